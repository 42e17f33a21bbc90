#!/usr/bin/env bash
# Compile time of N query functions with and without `#[cached_query]`, timed in one run.
#
# Generates two crates under "$TARGET/compile-time-KIND": `plain` holds N copies of the
# README's `posts` function as written, `cached` the same N copies under `#[cached_query]`
# (each call also built once, so the cached function's hit path is compiled in as a user's
# would be). Their dependencies are built first; then each crate alone is rebuilt from
# scratch (not incrementally: `CARGO_INCREMENTAL=0`, so that both builds compile every
# function rather than find that nothing changed), the two taking turns, ROUNDS times, in
# release and in debug. Prints every time, the medians and their ratio.
#
# KIND `same` (the default) makes N copies of one signature. The hit path is compiled once
# per set of argument classes, not once per function, so copies share it; KIND `varied`
# gives each function its own signature (the types of `author`, `status`, `tags` and `limit`
# drawn from 4 x 3 x 3 x 3 choices), the worst case: one hit path per function.
#
#   benches/compile-time.sh [N] [ROUNDS] [same|varied]   # defaults: 100, 3, same
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-100}
rounds=${2:-3}
kind=${3:-same}
target=${CARGO_TARGET_DIR:-$root/target}
work="$target/compile-time-$kind"
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
            # Argument types and the call's values: one signature, or one per function.
            local a=0 s=0 t=0 l=0
            if [ "$kind" = varied ]; then
                a=$((i % 4)); s=$((i / 4 % 3)); t=$((i / 12 % 3)); l=$((i / 36 % 3))
            fi
            local author=(i64 i32 "&str" String) author_v=(7 7 '"a"' '"a".to_string()')
            local status=("Option<&str>" "Option<String>" "Option<i64>")
            local status_v=('Some("a")' 'Some("a".to_string())' 'Some(3)')
            local tags=("&[i64]" "Vec<i64>" "&[&str]") tags_v=('&[1, 2]' 'vec![1, 2]' '&["x", "y"]')
            local limit=(u64 "Option<u64>" "&u64") limit_v=(10 'Some(10)' '&10')
            local limit_body=('q.limit(limit);' 'if let Some(l) = limit { q.limit(l); }' 'q.limit(*limit);')
            cat <<EOF
pub fn posts_$i(author: ${author[a]}, status: ${status[s]}, tags: ${tags[t]}, published: bool, limit: ${limit[l]}) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title]).from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author));
    if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
    if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
    if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
    q.order_by(Post::Id, Order::Desc);
    ${limit_body[l]}
    q
}
EOF
            # The same call both ways: `build` on the handle, or on the statement.
            echo "pub fn call_$i() -> String { posts_$i(${author_v[a]}, ${status_v[s]}, ${tags_v[t]}, true, ${limit_v[l]}).build(PostgresQueryBuilder).0 }"
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
    CARGO_INCREMENTAL=0 cargo build --quiet --manifest-path "$dir/Cargo.toml" --target-dir "$work/target" $2
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for profile in --release ""; do
    name=${profile:-debug}; name=${name#--}
    # Dependencies (sea-query, cached-query, the macro) once, untimed.
    CARGO_INCREMENTAL=0 cargo build --quiet --manifest-path "$work/plain/Cargo.toml" --target-dir "$work/target" $profile
    CARGO_INCREMENTAL=0 cargo build --quiet --manifest-path "$work/cached/Cargo.toml" --target-dir "$work/target" $profile
    plain=()
    cached=()
    for r in $(seq 1 "$rounds"); do
        plain+=("$(build plain "$profile")")
        cached+=("$(build cached "$profile")")
        printf '%-7s round %d: plain %6.2f s   cached %6.2f s\n' "$name" "$r" "${plain[-1]}" "${cached[-1]}"
    done
    p=$(printf '%s\n' "${plain[@]}" | median)
    c=$(printf '%s\n' "${cached[@]}" | median)
    printf '%-7s %d functions (%s), median of %d: plain %.2f s, cached %.2f s, ratio %.2fx\n' \
        "$name" "$n" "$kind" "$rounds" "$p" "$c" "$(echo "$c / $p" | bc -l)"
done
