//! The province runs the dashboard on a closed network: no file may point
//! at another host, and nothing may need inline script or style (the CSP
//! forbids them) or parse data as HTML.

use cityhub_dashboard::assets;

/// The one absolute URL allowed: the SVG namespace, a name, never fetched.
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

fn text(body: &'static [u8]) -> &'static str {
    std::str::from_utf8(body).unwrap()
}

#[test]
fn no_file_references_another_host() {
    for asset in assets() {
        let source = text(asset.body).replace(SVG_NAMESPACE, "");
        for scheme in ["http://", "https://", "//cdn", "ws://", "wss://"] {
            assert!(
                !source.contains(scheme),
                "`{}` references `{scheme}`: every file must come from the host",
                asset.path
            );
        }
    }
}

#[test]
fn the_page_has_no_inline_script_style_or_handlers() {
    let index = text(
        assets()
            .iter()
            .find(|a| a.path == "index.html")
            .unwrap()
            .body,
    );
    for tag in index.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap();
        if tag.starts_with("script") {
            assert!(tag.contains("src=\"/assets/"), "inline script: <{tag}>");
        }
        assert!(!tag.starts_with("style"), "inline style element: <{tag}>");
        assert!(!tag.contains(" style="), "style attribute: <{tag}>");
        assert!(
            !tag.split_whitespace()
                .any(|attr| attr.starts_with("on") && attr.contains('=')),
            "inline event handler: <{tag}>"
        );
    }
    for needed in [
        "href=\"/assets/css/dashboard.css\"",
        "src=\"/assets/js/main.js\"",
    ] {
        assert!(index.contains(needed), "index.html loads `{needed}`");
    }
}

#[test]
fn scripts_never_parse_strings_as_code_or_html() {
    for asset in assets().iter().filter(|a| a.path.ends_with(".js")) {
        let source = text(asset.body);
        for banned in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            ".style.cssText",
            "setAttribute(\"style\"",
        ] {
            assert!(!source.contains(banned), "`{}` uses `{banned}`", asset.path);
        }
    }
}
