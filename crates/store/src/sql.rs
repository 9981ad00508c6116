//! Statements written once for both backends and run on a connection of either, so that a
//! transaction's body is a plain function over [`Tx`] rather than a macro expanded per backend.
//!
//! Values are bound as [`Arg`]s, which both SQLite and PostgreSQL encode; rows come back through
//! `sqlx::FromRow`, which `#[derive(FromRow)]` implements for both.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

use crate::{Db, Result};

/// SQLite's limit on the values one statement binds (PostgreSQL's is higher).
const MAX_BINDS: usize = 32_766;

/// A value bound to a statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Arg<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<&'a str>),
    Bool(Option<bool>),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}

impl From<Option<f64>> for Arg<'_> {
    fn from(v: Option<f64>) -> Self {
        Arg::Real(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(v))
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::Text(v.as_deref())
    }
}

impl From<Option<bool>> for Arg<'_> {
    fn from(v: Option<bool>) -> Self {
        Arg::Bool(v)
    }
}

impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}

/// `[Arg; N]` from expressions that convert into [`Arg`].
macro_rules! args {
    ($($e:expr),* $(,)?) => { [$($crate::sql::Arg::from($e)),*] };
}

/// A row type both backends can decode.
pub(crate) trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin> Row for T {}

/// A write transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Where write transactions begin: SQLite's one writer connection, or the PostgreSQL pool.
#[derive(Debug, Clone)]
pub(crate) enum WritePool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl WritePool {
    /// Begins a write transaction. SQLite's begins IMMEDIATE, so that a read-then-write never fails
    /// on a stale snapshot.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            WritePool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            WritePool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

impl Db {
    /// Begins a read-only transaction whose statements all see one snapshot (SQLite: a read
    /// transaction on one reader connection; PostgreSQL: REPEATABLE READ).
    pub(crate) async fn begin_read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(s) => Tx::Sqlite(s.read.begin().await?),
            Db::Postgres(p) => {
                let mut tx = p.pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *tx).await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Begins a write transaction (see [`WritePool::begin`]).
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(s) => Tx::Sqlite(s.write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.pool.begin().await?),
        })
    }
}

impl Db {
    /// The first row a read returns, if any (SQLite's reader pool; PostgreSQL's pool).
    pub(crate) async fn fetch_optional<T: Row>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Db::Sqlite(s) => bind_sqlite(sqlx::query(sql), args)
                .fetch_optional(&s.read)
                .await?
                .map(|r| T::from_row(&r))
                .transpose()?,
            Db::Postgres(p) => {
                bind_pg(sqlx::query(sql), args).fetch_optional(&p.pool).await?.map(|r| T::from_row(&r)).transpose()?
            }
        })
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub(crate) fn is_sqlite(&self) -> bool {
        matches!(self, Tx::Sqlite(_))
    }

    /// Runs a statement; the number of rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Tx::Sqlite(t) => bind_sqlite(sqlx::query(sql), args).execute(&mut **t).await?.rows_affected(),
            Tx::Postgres(t) => bind_pg(sqlx::query(sql), args).execute(&mut **t).await?.rows_affected(),
        })
    }

    /// Runs several statements separated by semicolons, binding nothing (a migration).
    pub(crate) async fn execute_script(&mut self, sql: &'static str) -> Result<()> {
        match self {
            Tx::Sqlite(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ())?,
            Tx::Postgres(t) => sqlx::raw_sql(sql).execute(&mut **t).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Every row a query returns.
    pub(crate) async fn fetch_all<T: Row>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Tx::Sqlite(t) => {
                let rows = bind_sqlite(sqlx::query(sql), args).fetch_all(&mut **t).await?;
                rows.iter().map(T::from_row).collect::<Result<_, _>>()?
            }
            Tx::Postgres(t) => {
                let rows = bind_pg(sqlx::query(sql), args).fetch_all(&mut **t).await?;
                rows.iter().map(T::from_row).collect::<Result<_, _>>()?
            }
        })
    }

    /// The first row a query returns, if any.
    pub(crate) async fn fetch_optional<T: Row>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Tx::Sqlite(t) => bind_sqlite(sqlx::query(sql), args)
                .fetch_optional(&mut **t)
                .await?
                .map(|r| T::from_row(&r))
                .transpose()?,
            Tx::Postgres(t) => {
                bind_pg(sqlx::query(sql), args).fetch_optional(&mut **t).await?.map(|r| T::from_row(&r)).transpose()?
            }
        })
    }

    /// Exactly one row.
    pub(crate) async fn fetch_one<T: Row>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<T> {
        self.fetch_optional(sql, args).await?.ok_or(crate::StoreError::NotFound)
    }

    /// `{head} VALUES (…), (…) {tail}` for every row, in as few statements as the bind limit allows;
    /// the rows the statements return (with a `RETURNING` tail), in order. Every row has the same
    /// number of values.
    pub(crate) async fn insert_rows<T: Row>(
        &mut self,
        head: &str,
        rows: &[Vec<Arg<'_>>],
        tail: &str,
    ) -> Result<Vec<T>> {
        let width = rows.first().map_or(1, Vec::len).max(1);
        let mut out = Vec::new();
        for chunk in rows.chunks((MAX_BINDS / width).max(1)) {
            let sql = values_sql(head, chunk.len(), width, tail, self.is_sqlite());
            let args: Vec<Arg<'_>> = chunk.iter().flatten().copied().collect();
            out.extend(self.fetch_all::<T>(&sql, &args).await?);
        }
        Ok(out)
    }

    /// Like [`Tx::insert_rows`], for statements that return nothing.
    pub(crate) async fn execute_rows(&mut self, head: &str, rows: &[Vec<Arg<'_>>], tail: &str) -> Result<u64> {
        let width = rows.first().map_or(1, Vec::len).max(1);
        let mut n = 0;
        for chunk in rows.chunks((MAX_BINDS / width).max(1)) {
            let sql = values_sql(head, chunk.len(), width, tail, self.is_sqlite());
            let args: Vec<Arg<'_>> = chunk.iter().flatten().copied().collect();
            n += self.execute(&sql, &args).await?;
        }
        Ok(n)
    }
}

/// `{head} VALUES ($1, $2), ($3, $4) {tail}`; on SQLite `(?, ?), (?, ?)`, which it binds by position
/// (numbered parameters make sqlx look each one up by name: a cost that grows with the row count).
fn values_sql(head: &str, rows: usize, width: usize, tail: &str, positional: bool) -> String {
    use std::fmt::Write;
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * width * 6 + 16);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            let sep = if c == 0 { "" } else { ", " };
            if positional {
                write!(sql, "{sep}?").expect("writing to a String cannot fail");
            } else {
                write!(sql, "{sep}${}", r * width + c + 1).expect("writing to a String cannot fail");
            }
        }
        sql.push(')');
    }
    sql.push(' ');
    sql.push_str(tail);
    sql
}

/// The parameters of a PostgreSQL statement that takes rows of [`Arg`]s as arrays, one per column, for
/// `UNNEST`: one statement text whatever the number of rows, so PostgreSQL plans it once per
/// connection instead of once per row count.
#[derive(Debug, Default)]
pub(crate) struct Params<'a> {
    params: Vec<Param<'a>>,
}

#[derive(Debug)]
enum Param<'a> {
    Ints(Vec<Option<i64>>),
    Reals(Vec<Option<f64>>),
    Texts(Vec<Option<&'a str>>),
    Bools(Vec<Option<bool>>),
    One(Arg<'a>),
}

impl<'a> Params<'a> {
    /// Adds `rows` as arrays, one per column, and returns `UNNEST($k::int8[], …) AS alias (names…)`
    /// over them. Every row has one value per name, of the kind of `kinds`' value for that column (as
    /// `args!` of the same expressions gives).
    pub(crate) fn unnest(&mut self, alias: &str, names: &[&str], kinds: &[Arg<'_>], rows: &[Vec<Arg<'a>>]) -> String {
        use std::fmt::Write;
        debug_assert_eq!(kinds.len(), names.len(), "one kind per column");
        let mut sql = String::from("UNNEST(");
        for (c, &kind) in kinds.iter().enumerate() {
            self.params.push(match kind {
                Arg::Int(_) => Param::Ints(rows.iter().map(|r| int(r[c])).collect()),
                Arg::Real(_) => Param::Reals(rows.iter().map(|r| real(r[c])).collect()),
                Arg::Text(_) => Param::Texts(rows.iter().map(|r| text(r[c])).collect()),
                Arg::Bool(_) => Param::Bools(rows.iter().map(|r| boolean(r[c])).collect()),
            });
            let ty = pg_type(kind);
            let sep = if c == 0 { "" } else { ", " };
            write!(sql, "{sep}${}::{ty}[]", self.params.len()).expect("writing to a String cannot fail");
        }
        write!(sql, ") AS {alias} ({})", names.join(", ")).expect("writing to a String cannot fail");
        sql
    }

    /// Adds one value; its placeholder, with its type (a placeholder in a select list has none).
    pub(crate) fn value(&mut self, v: impl Into<Arg<'a>>) -> String {
        let v = v.into();
        self.params.push(Param::One(v));
        format!("${}::{}", self.params.len(), pg_type(v))
    }

    /// Binds the parameters to `q`, in the order they were added.
    pub(crate) fn bind<'q>(&'q self, mut q: PgQuery<'q>) -> PgQuery<'q> {
        for p in &self.params {
            q = match p {
                Param::Ints(v) => q.bind(v.as_slice()),
                Param::Reals(v) => q.bind(v.as_slice()),
                Param::Texts(v) => q.bind(v.as_slice()),
                Param::Bools(v) => q.bind(v.as_slice()),
                Param::One(a) => bind_pg(q, std::slice::from_ref(a)),
            };
        }
        q
    }
}

/// The PostgreSQL type a value is bound as.
fn pg_type(a: Arg<'_>) -> &'static str {
    match a {
        Arg::Int(_) => "int8",
        Arg::Real(_) => "float8",
        Arg::Text(_) => "text",
        Arg::Bool(_) => "bool",
    }
}

// A column holds one kind of value: `args!` converts the same expression the same way for every row.
fn int(a: Arg<'_>) -> Option<i64> {
    let Arg::Int(v) = a else { unreachable!("a column of integers holds {a:?}") };
    v
}
fn real(a: Arg<'_>) -> Option<f64> {
    let Arg::Real(v) = a else { unreachable!("a column of reals holds {a:?}") };
    v
}
fn text(a: Arg<'_>) -> Option<&str> {
    let Arg::Text(v) = a else { unreachable!("a column of texts holds {a:?}") };
    v
}
fn boolean(a: Arg<'_>) -> Option<bool> {
    let Arg::Bool(v) = a else { unreachable!("a column of booleans holds {a:?}") };
    v
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, <Sqlite as sqlx::Database>::Arguments>;
pub(crate) type PgQuery<'q> = sqlx::query::Query<'q, Postgres, <Postgres as sqlx::Database>::Arguments>;

fn bind_sqlite<'q>(mut q: SqliteQuery<'q>, args: &[Arg<'_>]) -> SqliteQuery<'q> {
    for a in args {
        q = match *a {
            Arg::Int(v) => q.bind(v),
            Arg::Real(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
        };
    }
    q
}

fn bind_pg<'q>(mut q: PgQuery<'q>, args: &[Arg<'_>]) -> PgQuery<'q> {
    for a in args {
        q = match *a {
            Arg::Int(v) => q.bind(v),
            Arg::Real(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
        };
    }
    q
}

#[cfg(test)]
mod tests {
    use super::values_sql;

    #[test]
    fn values_are_numbered_row_by_row() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, "RETURNING a", false),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING a"
        );
        assert_eq!(values_sql("INSERT INTO t (a)", 2, 1, "", true), "INSERT INTO t (a) VALUES (?), (?) ");
    }
}
