#!/usr/bin/env bash
# Compile time of N query functions with and without `#[cached_query]`, timed in one run.
#
# Generates two crates under "$TARGET/compile-time": `plain` holds N copies of the README's
# `posts` function as written, `cached` the same N copies under `#[cached_query]` (each call
# also built once, so the cached function's hit path is compiled in as a user's would be).
# Their dependencies are built first; then each crate alone is rebuilt, the two taking turns,
# ROUNDS times, in release and in debug. Prints every time, the medians and their ratio.
#
#   benches/compile-time.sh [N] [ROUNDS]        # defaults: 100 functions, 3 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-100}
rounds=${2:-3}
target=${CARGO_TARGET_DIR:-$root/target}
work="$target/compile-time"
mkdir -p "$work"

header() {
    cat <<EOF
[package]
name = "compile-time-$1"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
path = "lib.rs"

[dependencies]
cached-query = { path = "$root/runtime" }
sea-query = { version = "1.0.2", default-features = false, features = ["backend-postgres", "backend-mysql", "backend-sqlite", "derive"] }

[workspace]
EOF
}

generate() { # $1 = plain|cached
    local dir="$work/$1"
    mkdir -p "$dir"
    header "$1" >"$dir/Cargo.toml"
    {
        echo '#![allow(dead_code)]'
        echo 'use sea_query::{Expr, ExprTrait, Iden, Order, Query, SelectStatement, PostgresQueryBuilder};'
        echo '#[derive(Iden, Clone, Copy)] pub enum Post { Table, Id, Title, Author, Status, Tag, PublishedAt }'
        for i in $(seq 1 "$n"); do
            if [ "$1" = cached ]; then echo '#[cached_query::cached_query]'; fi
            cat <<EOF
pub fn posts_$i(author: i64, status: Option<&str>, tags: &[i64], published: bool, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title]).from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author));
    if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
    if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
    if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
    q.order_by(Post::Id, Order::Desc).limit(limit);
    q
}
EOF
            # The same call both ways: `build` on the handle, or on the statement.
            echo "pub fn call_$i() -> String { posts_$i(7, Some(\"a\"), &[1, 2], true, 10).build(PostgresQueryBuilder).0 }"
        done
    } >"$dir/lib.rs"
}

generate plain
generate cached

build() { # $1 = crate, $2 = profile flag ("" or --release); prints seconds
    local dir="$work/$1"
    touch "$dir/lib.rs"
    local start end
    start=$(date +%s.%N)
    cargo build --quiet --manifest-path "$dir/Cargo.toml" --target-dir "$work/target" $2
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for profile in --release ""; do
    name=${profile:-debug}; name=${name#--}
    # Dependencies (sea-query, cached-query, the macro) once, untimed.
    cargo build --quiet --manifest-path "$work/plain/Cargo.toml" --target-dir "$work/target" $profile
    cargo build --quiet --manifest-path "$work/cached/Cargo.toml" --target-dir "$work/target" $profile
    plain=()
    cached=()
    for r in $(seq 1 "$rounds"); do
        plain+=("$(build plain "$profile")")
        cached+=("$(build cached "$profile")")
        printf '%-7s round %d: plain %6.2f s   cached %6.2f s\n' "$name" "$r" "${plain[-1]}" "${cached[-1]}"
    done
    p=$(printf '%s\n' "${plain[@]}" | median)
    c=$(printf '%s\n' "${cached[@]}" | median)
    printf '%-7s %d functions, median of %d: plain %.2f s, cached %.2f s, ratio %.2fx\n' \
        "$name" "$n" "$rounds" "$p" "$c" "$(echo "$c / $p" | bc -l)"
done
