//! [`Probe`] for the value types of sea-query's optional features.

#![allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]

use super::Probe;

macro_rules! probe_external {
    ($($(#[$meta:meta])* $ty:ty => |$seed:ident| $make:expr, edges $edges:expr;)*) => {$(
        $(#[$meta])*
        impl<'a> Probe<'a> for $ty {
            type Owned = $ty;
            fn sentinel($seed: u64) -> $ty {
                $make
            }
            fn edge(seed: u64) -> $ty {
                let edges: Vec<$ty> = $edges;
                let i = (seed % edges.len() as u64) as usize;
                edges.into_iter().nth(i).unwrap_or_else(|| Self::sentinel(seed))
            }
            fn view(owned: &'a $ty) -> $ty {
                owned.clone()
            }
        }
        $(#[$meta])*
        impl crate::derived::Derivable for $ty {
            fn probe(prober: &mut crate::probe::Prober) -> $ty {
                prober.sentinel::<$ty>()
            }
            fn into_value(self) -> sea_query::Value {
                self.into()
            }
        }
    )*};
}

#[cfg(feature = "with-chrono")]
mod chrono_types {
    use super::Probe;
    use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, NaiveTime, Utc};

    fn utc(seed: u64) -> DateTime<Utc> {
        let secs = 1_634_567_891 + (seed % (1 << 30)) as i64 * 61;
        DateTime::from_timestamp(secs, 123_456_789).unwrap_or_default()
    }

    fn utc_edges() -> Vec<DateTime<Utc>> {
        [0, 951_782_400, 4_102_444_800]
            .into_iter()
            .filter_map(|secs| DateTime::from_timestamp(secs, 0))
            .collect()
    }

    probe_external! {
        NaiveDate => |seed| NaiveDate::from_num_days_from_ce_opt(700_001 + (seed % 300_000) as i32)
            .unwrap_or_default(),
            edges [
                NaiveDate::from_ymd_opt(1970, 1, 1),
                NaiveDate::from_ymd_opt(2000, 2, 29),
                NaiveDate::from_ymd_opt(9999, 12, 31),
            ].into_iter().flatten().collect();
        NaiveTime => |seed| NaiveTime::from_num_seconds_from_midnight_opt(
            (seed % 86_400) as u32,
            123_457_000 + (seed / 86_400 % 1000) as u32,
        ).unwrap_or_default(),
            edges [NaiveTime::MIN, NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()].into();
        NaiveDateTime => |seed| utc(seed).naive_utc(),
            edges utc_edges().into_iter().map(|d| d.naive_utc()).collect();
        DateTime<Utc> => |seed| utc(seed), edges utc_edges();
        DateTime<FixedOffset> => |seed| match FixedOffset::east_opt(3 * 3600 + 17 * 60) {
            Some(offset) => utc(seed).with_timezone(&offset),
            None => utc(seed).fixed_offset(),
        },
            edges utc_edges().into_iter().map(|d| d.fixed_offset()).collect();
        DateTime<Local> => |seed| utc(seed).with_timezone(&Local),
            edges utc_edges().into_iter().map(|d| d.with_timezone(&Local)).collect();
    }
}

#[cfg(feature = "with-uuid")]
probe_external! {
    uuid::Uuid => |seed| uuid::Uuid::from_u128(0xC0FF_EE00_0000_4000_8000_0000_0000_0000 + u128::from(seed)),
        edges vec![uuid::Uuid::nil(), uuid::Uuid::max(), uuid::Uuid::from_u128(1)];
}

#[cfg(feature = "with-json")]
probe_external! {
    serde_json::Value => |seed| serde_json::json!({ "cq_probe": seed }),
        edges vec![
            serde_json::Value::Null,
            serde_json::json!({}),
            serde_json::json!([]),
            serde_json::json!(0),
            serde_json::json!(""),
        ];
}

#[cfg(feature = "with-rust_decimal")]
probe_external! {
    rust_decimal::Decimal => |seed| rust_decimal::Decimal::new(7_340_000_011 + (seed % (1 << 40)) as i64, 3),
        edges vec![
            rust_decimal::Decimal::ZERO,
            rust_decimal::Decimal::ONE,
            rust_decimal::Decimal::NEGATIVE_ONE,
            rust_decimal::Decimal::MAX,
            rust_decimal::Decimal::MIN,
        ];
}

#[cfg(feature = "with-time")]
mod time_types {
    use super::Probe;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    fn utc(seed: u64) -> OffsetDateTime {
        let secs = 1_634_567_891 + (seed % (1 << 30)) as i64 * 61;
        OffsetDateTime::from_unix_timestamp(secs)
            .map(|t| t.replace_nanosecond(123_456_789).unwrap_or(t))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    fn utc_edges() -> Vec<OffsetDateTime> {
        [0, 951_782_400, 4_102_444_800]
            .into_iter()
            .filter_map(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
            .collect()
    }

    probe_external! {
        Date => |seed| utc(seed).date(), edges utc_edges().into_iter().map(|d| d.date()).collect();
        Time => |seed| utc(seed).time(), edges vec![Time::MIDNIGHT];
        PrimitiveDateTime => |seed| {
            let t = utc(seed);
            PrimitiveDateTime::new(t.date(), t.time())
        },
            edges utc_edges().into_iter().map(|d| PrimitiveDateTime::new(d.date(), d.time())).collect();
        OffsetDateTime => |seed| utc(seed).to_offset(
            UtcOffset::from_hms(3, 17, 0).unwrap_or(UtcOffset::UTC),
        ),
            edges utc_edges();
    }
}
