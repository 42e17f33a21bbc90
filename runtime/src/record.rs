//! A [`SqlWriter`] that renders exactly like sea-query's own writer and also records where
//! each parameter landed, so the literal text between parameters can be kept as a template.

use std::fmt::{self, Write};

use sea_query::{QueryBuilder, SqlWriter, Value, Values};

use crate::backend::Backend;

/// One parameter of a rendered statement: its placeholder's byte range and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) value: Value,
}

/// A statement rendered for one backend, with every parameter's position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Recording {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
}

impl Recording {
    /// A writer that records a rendering for backend `B` (see `Recording::of` in
    /// `statement.rs`, which renders a statement into it).
    pub(crate) fn writer<B: Backend>() -> Recorder {
        let (placeholder, numbered) = B::ID.placeholder();
        Recorder {
            placeholder,
            numbered,
            rec: Recording {
                sql: String::with_capacity(512),
                params: Vec::with_capacity(16),
            },
        }
    }

    /// The literal text before parameter `i` (or after the last one, for `i == len`).
    pub(crate) fn literal(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.params[i - 1].end };
        let end = self
            .params
            .get(i)
            .map_or(self.sql.len(), |param| param.start);
        &self.sql[start..end]
    }

    /// The `(sql, values)` pair sea-query's `build` returns.
    pub(crate) fn into_output(self) -> (String, Values) {
        let values = self.params.into_iter().map(|p| p.value).collect();
        (self.sql, Values(values))
    }
}

/// A [`SqlWriter`] that renders like sea-query's own and records each parameter.
pub(crate) struct Recorder {
    placeholder: &'static str,
    numbered: bool,
    rec: Recording,
}

impl Recorder {
    /// What was written.
    pub(crate) fn into_recording(self) -> Recording {
        self.rec
    }
}

impl Write for Recorder {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.rec.sql.push_str(s);
        Ok(())
    }

    fn write_char(&mut self, c: char) -> fmt::Result {
        self.rec.sql.push(c);
        Ok(())
    }
}

impl fmt::Display for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rec.sql)
    }
}

impl SqlWriter for Recorder {
    fn push_param<T: QueryBuilder>(&mut self, value: Value, _: &T) {
        let start = self.rec.sql.len();
        write_placeholder(
            &mut self.rec.sql,
            self.placeholder,
            self.numbered,
            self.rec.params.len() + 1,
        );
        let end = self.rec.sql.len();
        self.rec.params.push(Param { start, end, value });
    }

    fn as_writer(&mut self) -> &mut dyn Write {
        self as _
    }
}

/// Writes the placeholder of the `number`th parameter (1-based) as sea-query does.
#[inline]
pub(crate) fn write_placeholder(
    sql: &mut String,
    placeholder: &str,
    numbered: bool,
    number: usize,
) {
    push_short(sql, placeholder);
    if numbered {
        push_decimal(sql, number);
    }
}

/// `sql.push_str(s)`, char by char when `s` is short: a placeholder or a separator like
/// `", "` is written once per list element, and `push_str` calls `memcpy` for each.
#[inline(always)]
pub(crate) fn push_short(sql: &mut String, s: &str) {
    if s.len() <= 4 && s.is_ascii() {
        for &byte in s.as_bytes() {
            sql.push(char::from(byte));
        }
    } else {
        sql.push_str(s);
    }
}

#[inline]
fn push_decimal(sql: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &buf[i..] {
        sql.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::{Alias, Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query};

    #[test]
    fn recording_matches_sea_query_build() {
        let q = Query::select()
            .column(Alias::new("a"))
            .from(Alias::new("t"))
            .and_where(Expr::col(Alias::new("a")).is_in([1, 2, 3]))
            .and_where(Expr::col(Alias::new("b")).eq("x"))
            .limit(10)
            .to_owned();
        let pg = Recording::of::<_, PostgresQueryBuilder>(&q);
        assert_eq!(pg.params.len(), 5);
        assert_eq!(pg.literal(0), r#"SELECT "a" FROM "t" WHERE "a" IN ("#);
        assert_eq!(pg.literal(1), ", ");
        assert_eq!(pg.literal(5), "");
        assert_eq!(pg.into_output(), q.build(PostgresQueryBuilder));
        let my = Recording::of::<_, MysqlQueryBuilder>(&q);
        assert_eq!(my.literal(3), ") AND `b` = ");
        assert_eq!(my.into_output(), q.build(MysqlQueryBuilder));
    }

    #[test]
    fn decimal_placeholders() {
        let mut s = String::new();
        for n in [1, 9, 10, 65535, 100_000] {
            write_placeholder(&mut s, "$", true, n);
            s.push(' ');
        }
        assert_eq!(s, "$1 $9 $10 $65535 $100000 ");
    }
}
