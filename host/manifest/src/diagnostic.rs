//! [`Diagnostic`]: an error in a configuration file, with its place and a caret.

use std::{
    fmt,
    ops::Range,
    path::{Path, PathBuf},
};

/// One error in a file, pointing at the text at fault, rendered like a
/// compiler's:
///
/// ```text
/// error: `name` must be 1-64 lowercase ASCII letters, digits or `-`, starting with a letter: got `Traffic`
///   --> plugins/traffic/plugin.toml:2:8
///    |
///  2 | name = "Traffic"
///    |        ^^^^^^^^^
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The line's text, for the caret display.
    pub source_line: String,
    /// How many characters the caret spans (at least 1).
    pub width: usize,
}

impl Diagnostic {
    /// A diagnostic for byte range `span` of `source` (the file's text).
    /// A span outside the text points at its end.
    pub fn at(file: &Path, source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        Self {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            source_line: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_owned(),
            width,
        }
    }

    /// A diagnostic about the whole file (no position in it), e.g. it cannot be read.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: String::new(),
            width: 0,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        if self.line == 0 {
            return write!(f, "  --> {}", self.file.display());
        }
        let gutter = self.line.to_string().len();
        writeln!(
            f,
            "{:gutter$}--> {}:{}:{}",
            "",
            self.file.display(),
            self.line,
            self.column
        )?;
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        let pad: String = self
            .source_line
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:gutter$} | {pad}{}", "", "^".repeat(self.width))
    }
}

/// Every error found in one or more files, in the order found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// `Ok(value)` when empty, else `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n\n{} errors", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_with_a_caret() {
        let src = "a = 1\nname = \"Traffic\"\n";
        let at = src.find("\"Traffic\"").unwrap();
        let d = Diagnostic::at(Path::new("p.toml"), src, at..at + 9, "bad name");
        assert_eq!((d.line, d.column, d.width), (2, 8, 9));
        assert_eq!(
            d.to_string(),
            "error: bad name\n --> p.toml:2:8\n  |\n2 | name = \"Traffic\"\n  |        ^^^^^^^^^"
        );
    }

    #[test]
    fn counts_columns_in_characters_not_bytes() {
        let src = "vendor = \"Sở\" x";
        let at = src.find('x').unwrap();
        let d = Diagnostic::at(Path::new("p.toml"), src, at..at + 1, "m");
        assert_eq!(d.column, 15);
    }
}
