//! Consumer positions: how far each consumer (a plugin's subscription) has
//! processed the log. They only move forward.

use crate::{Error, Seq, Store, sql::Sql, store::with_pool};

/// What a move behind the current position does.
#[derive(Debug, Clone, Copy)]
enum Move {
    /// [`Error::PositionBackwards`].
    Refuse,
    /// Nothing: the position stays at the larger.
    Max,
}

impl Store {
    /// The last seq `consumer` committed, or 0 if it never committed.
    pub async fn position(&self, consumer: &str) -> Result<Seq, Error> {
        with_pool!(self, pool => Sql::position(pool, consumer, "position").await)
    }

    /// Moves `consumer` to `position`. Moving to the current position is a
    /// no-op; moving backwards is [`Error::PositionBackwards`] and changes
    /// nothing. To deliver output events and state with the position, use
    /// [`Store::commit_batch`] instead.
    pub async fn set_position(&self, consumer: &str, position: Seq) -> Result<(), Error> {
        self.move_position("set_position", consumer, position, Move::Refuse)
            .await
    }

    /// Moves `consumer` to `position` if that is ahead, and leaves it
    /// otherwise (never an error): for consumers that several nodes move
    /// (a route on the JetStream bus, caught up with the stream).
    pub async fn advance_position(&self, consumer: &str, position: Seq) -> Result<(), Error> {
        self.move_position("advance_position", consumer, position, Move::Max)
            .await
    }

    /// One write transaction moving `consumer` forward, on its own task.
    async fn move_position(
        &self,
        op: &'static str,
        consumer: &str,
        position: Seq,
        how: Move,
    ) -> Result<(), Error> {
        let store = self.clone();
        let consumer = consumer.to_owned();
        self.detached(op, async move {
            let _turn = store.writer().await;
            with_pool!(store, pool => {
                let mut tx = Sql::begin_write(pool, false, op).await?;
                match how {
                    Move::Refuse => Sql::advance(&mut tx, &consumer, position, op).await?,
                    Move::Max => Sql::advance_to_max(&mut tx, &consumer, position, op).await?,
                }
                tx.commit().await.map_err(Error::db(op))
            })
        })
        .await
    }

    /// The position of `consumer`; one that never had a position gets
    /// `init` (stored, so it stays its starting point across restarts).
    pub async fn position_or_init(&self, consumer: &str, init: Seq) -> Result<Seq, Error> {
        const OP: &str = "position_or_init";
        let store = self.clone();
        let consumer = consumer.to_owned();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            with_pool!(store, pool => {
                sqlx::query(
                    "INSERT INTO positions (consumer, position) VALUES ($1, $2) \
                     ON CONFLICT (consumer) DO NOTHING",
                )
                .bind(consumer.as_str())
                .bind(init.max(0))
                .execute(pool)
                .await
                .map_err(Error::db(OP))?;
                Sql::position(pool, &consumer, OP).await
            })
        })
        .await
    }

    /// Moves `consumer` to `position`, backwards too: replaying a route from
    /// an earlier point. The consumer must not be running (the bus stops a
    /// route before rewinding it), or its next commit would move it forward
    /// again.
    pub async fn rewind(&self, consumer: &str, position: Seq) -> Result<(), Error> {
        const OP: &str = "rewind";
        if position < 0 {
            return Err(Error::NegativePosition {
                consumer: consumer.to_owned(),
                position,
            });
        }
        let _turn = self.writer().await;
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO positions (consumer, position) VALUES ($1, $2) \
                 ON CONFLICT (consumer) DO UPDATE SET position = excluded.position",
            )
            .bind(consumer)
            .bind(position)
            .execute(pool)
            .await
            .map_err(Error::db(OP))
            .map(|_| ())
        })
    }
}
