//! The whole macro, stage by stage: `input` parses the function, `options` the attribute,
//! `validate` applies the signature rules and `classify` names each argument's class,
//! `analyse` follows every bound value through the body, `emit` writes the cached function.
//! Every stage reports to one error accumulator, so a user sees all their mistakes at once.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::input::{Errors, Function, RawFn, strip_shape_attrs};
use crate::options::Options;

/// Parse, check, expand. On any error the function is emitted unchanged (minus `#[shape]`
/// markers) next to the errors, so the rest of the crate still compiles.
pub(crate) fn cached_query(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut raw = match syn::parse2::<RawFn>(item.clone()) {
        Ok(raw) => raw,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                "#[cached_query] can only be used on a function that returns a sea-query statement",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let options = Options::parse(attr).map_err(|e| errors.add(e)).ok();
    let shapes = strip_shape_attrs(&mut raw.sig, &mut errors);
    let original = quote!(#raw);
    let mut function = match Function::new(raw, &shapes, errors) {
        Ok(function) => function,
        Err(error) => {
            let error = error.to_compile_error();
            return quote!(#error #original);
        }
    };
    let Some(options) = options else {
        return original;
    };
    let mut findings = if options.lint {
        crate::analyse::check(&function.args, &function.raw.body)
    } else {
        crate::analyse::Findings::default()
    };
    // An argument the body matches on its variant only has its variant in the key.
    for (arg, _) in &findings.variants {
        let class = &mut function.args[*arg].class;
        *class = crate::classify::by_variant(class);
    }
    // Derived values are marked in the body the analysis walked (it finds them by place).
    if let Some(mut block) = findings.body.take() {
        let krate = options.krate();
        let private = quote!(#krate::__private);
        crate::analyse::rewrite(&mut block, &findings, &private, false);
        findings.body = Some(block);
    }
    let expanded = crate::emit::emit(&function, &options, &findings);
    // The expansion stays next to the findings, so callers still type-check.
    let findings = findings.errors.iter().map(syn::Error::to_compile_error);
    quote!(#(#findings)* #expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(tokens: TokenStream) -> String {
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(e) => panic!("expansion does not parse: {e}\n{tokens}"),
        }
    }

    #[test]
    fn expands_to_valid_rust() {
        let out = cached_query(
            quote!(),
            quote! {
                /// Posts.
                pub fn posts(author: i64, status: Option<&str>, tags: &[i64], published: bool, #[shape] order: Order, limit: u64) -> SelectStatement {
                    Query::select()
                }
            },
        );
        let text = pretty(out);
        assert!(text.contains("pub fn posts<'args>"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
    }

    /// The README's `posts`, as `cargo expand` shows it, is at most 100 lines longer than
    /// the function as written: the runtime does the work through the classes, not code
    /// generated per argument.
    #[test]
    fn the_readme_function_expands_to_at_most_100_more_lines() {
        let item = quote! {
            pub fn posts(author: i64, status: Option<&str>, tags: &[i64], published: bool, limit: u64)
                -> SelectStatement
            {
                let mut q = Query::select();
                q.columns([Post::Id, Post::Title]).from(Post::Table)
                    .and_where(Expr::col(Post::Author).eq(author));
                if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
                if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
                if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
                q.order_by(Post::Id, Order::Desc).limit(limit);
                q
            }
        };
        let plain = pretty(item.clone()).lines().count();
        let expanded = pretty(cached_query(quote!(), item)).lines().count();
        println!("{plain} lines as written, {expanded} expanded");
        assert!(
            expanded - plain <= 100,
            "{plain} lines as written, {expanded} expanded: {} added",
            expanded - plain
        );
    }

    /// The expansion as `cargo expand` shows it, kept as a snapshot for review.
    fn snapshot(attr: TokenStream, item: TokenStream) -> String {
        pretty(cached_query(attr, item))
    }

    #[test]
    fn snapshot_scalar() {
        insta::assert_snapshot!(snapshot(
            quote!(),
            quote! {
                /// A post by id.
                pub fn post_by_id(id: i64) -> SelectStatement {
                    Query::select().column(Post::Id).from(Post::Table)
                        .and_where(Expr::col(Post::Id).eq(id)).to_owned()
                }
            },
        ));
    }

    #[test]
    fn snapshot_every_kind() {
        insta::assert_snapshot!(snapshot(
            quote!(capacity = 64, pad_in = true, verify = 0.01),
            quote! {
                pub(crate) fn posts(
                    author: i64,
                    status: Option<&str>,
                    tags: &[i64],
                    published: bool,
                    #[shape] order: Order,
                    limit: u64,
                ) -> SelectStatement {
                    let mut q = Query::select();
                    q.column(Post::Id).from(Post::Table).and_where(Expr::col(Post::Author).eq(author));
                    if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
                    if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
                    if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
                    q.order_by(Post::Id, order).limit(limit);
                    q
                }
            },
        ));
    }

    #[test]
    fn snapshot_insert() {
        insta::assert_snapshot!(snapshot(
            quote!(crate = ::my_crate::cq),
            quote! {
                fn add_tags(post: i64, tags: Vec<String>) -> InsertStatement {
                    let mut q = Query::insert();
                    q.into_table(PostTag::Table).columns([PostTag::PostId, PostTag::Tag]);
                    for tag in tags {
                        q.values_panic([post.into(), tag.into()]);
                    }
                    q
                }
            },
        ));
    }

    #[test]
    fn snapshot_lint_finding() {
        insta::assert_snapshot!(snapshot(
            quote!(),
            quote! {
                fn page(number: u64, size: u64) -> SelectStatement {
                    let mut q = Query::select();
                    q.column(Post::Id).from(Post::Table).limit(size);
                    q.and_where(Expr::cust(format!("score > {number}")));
                    q
                }
            },
        ));
    }

    /// Values the body computes from the arguments and a decision on one: each marked in
    /// the body, and recomputed by the lift (the arguments it reads, the bindings leading to
    /// it) or its outcome computed into the key.
    #[test]
    fn snapshot_derived() {
        insta::assert_snapshot!(snapshot(
            quote!(),
            quote! {
                fn search(text: Option<&str>, order: &str, page: u64, size: u64) -> SelectStatement {
                    let mut q = Query::select();
                    q.column(Post::Id).from(Post::Table);
                    let order = if order.eq_ignore_ascii_case("desc") { Order::Desc } else { Order::Asc };
                    q.order_by(Post::Id, order);
                    if let Some(text) = text {
                        let pattern = format!("%{}%", text.replace('%', "\\%"));
                        q.and_where(Expr::col(Post::Title).like(LikeExpr::new(pattern).escape('\\')));
                    }
                    q.limit(size).offset(page.saturating_sub(1) * size);
                    q
                }
            },
        ));
    }

    #[test]
    fn snapshot_signature_error() {
        insta::assert_snapshot!(snapshot(
            quote!(),
            quote! {
                async fn posts(author: i64) -> SelectStatement {
                    Query::select()
                }
            },
        ));
    }
}
