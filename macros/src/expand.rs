//! Emits the cached function: the user's signature returning a `Cached` handle, an argument
//! struct, the `Family` impl that reads, keys and probes the arguments, and the original
//! body as a closure.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Pat, parse_quote};

use crate::model::{Arg, Class, Errors, Function, ListKind, RawFn, strip_shape_attrs};
use crate::options::Options;
use crate::types::{Lifetimes, cq_lifetime, has_lifetimes, rewrite};

/// The whole macro: parse, check, expand. On any error the function is emitted unchanged
/// (minus `#[shape]` markers) next to the errors, so the rest of the crate still compiles.
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
    match Function::new(raw, &shapes, errors) {
        Ok(function) => match options {
            Some(options) => {
                let expanded = expand(&function, &options);
                let findings = if options.lint {
                    crate::analyse::check(&function.args, &function.raw.body)
                } else {
                    Vec::new()
                };
                // The expansion stays next to the findings, so callers still type-check.
                let findings = findings.iter().map(syn::Error::to_compile_error);
                quote!(#(#findings)* #expanded)
            }
            None => original,
        },
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#error #original)
        }
    }
}

/// Names of generated locals; mixed-site so they never clash with the user's.
fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

fn numbered(prefix: &str, n: usize) -> Ident {
    format_ident!("{}{}", prefix, n, span = Span::mixed_site())
}

struct Gen<'f> {
    f: &'f Function,
    /// The path of the runtime's `__private` module, the only one generated code names.
    p: TokenStream,
    /// Per argument, the constant that checks its type (`assert_bound`, `assert_shape`);
    /// `None` for an argument with nothing to check (a `bool`).
    checks: Vec<Option<Ident>>,
}

fn expand(f: &Function, options: &Options) -> TokenStream {
    let krate = options.krate();
    let checks = f
        .args
        .iter()
        .enumerate()
        .map(|(n, a)| match innermost(&a.class) {
            Class::Shape | Class::Scalar(_) | Class::List { .. } => Some(numbered("__CQ_CHECK", n)),
            _ => None,
        })
        .collect();
    let generator = Gen {
        f,
        p: quote!(#krate::__private),
        checks,
    };
    generator.emit(options)
}

impl Gen<'_> {
    fn emit(&self, options: &Options) -> TokenStream {
        let Gen { f, p, .. } = self;
        let RawFn {
            attrs, vis, body, ..
        } = &f.raw;
        let borrowed = f.args.iter().any(|a| has_lifetimes(&a.ty));
        let ret = &f.ret;
        let sig = self.signature(borrowed);

        let args_struct = local("__CqArgs");
        let family = local("__CqQuery");
        let anon = if borrowed {
            quote!(#args_struct<'_>)
        } else {
            quote!(#args_struct)
        };
        let struct_generics = if borrowed { quote!(<'__cq>) } else { quote!() };
        let fields = f.args.iter().map(|a| {
            let ident = &a.ident;
            let ty = rewrite(&a.ty, Lifetimes::Struct);
            quote!(#ident: #ty)
        });
        let idents: Vec<&Ident> = f.args.iter().map(|a| &a.ident).collect();

        let name = f.raw.sig.ident.to_string();
        let capacity = match &options.capacity {
            Some(expr) => quote!(#expr),
            None => quote!(#p::DEFAULT_CAPACITY),
        };
        let pad_in = options.pad_in;
        let verify = match options.verify {
            Some(rate) => {
                let rate = proc_macro2::Literal::f64_suffixed(rate);
                quote!(::core::option::Option::Some(#rate))
            }
            None => quote!(::core::option::Option::None),
        };
        let dims = self.dims();
        let inline_limit = options.inline_limit;
        let key_ty = self.key_type();
        let key_body = self.key_body();
        let (source_names, value_arms) = self.value_arms();
        let (list_names, len_arms, elem_arms) = self.list_arms();
        let probe_body = self.probe_body();
        let each_shape_body = self.each_shape_body();
        let assertions = self.assertions();
        let statement_ty = quote_spanned!(ret.span()=> #ret);

        let args_var = local("__cq_args");
        let key_var = local("__cq_key");
        let source = local("__cq_source");
        let list = local("__cq_list");
        let index = local("__cq_index");
        let real = local("__cq_real");
        let prober = local("__cq_p");
        let callback = local("__cq_f");
        // Prefixed: a type parameter named like one of the user's types (`R`) would capture
        // it in the argument types the probe names.
        let ret_param = local("__CqR");
        let cache = local("__CQ_CACHE");
        let clones: Vec<TokenStream> = f.args.iter().enumerate().map(|(n, a)| {
            let ident = &a.ident;
            let mutability = &a.mutability;
            let ty = self.whole(n);
            quote_spanned!(a.ty.span()=> let #mutability #ident = <#ty as ::core::clone::Clone>::clone(&#args_var.#ident);)
        }).collect();
        let body_fn = local("__cq_body");
        let body_slot = local("__CQ_BODY");
        // A body that names `Self` (a function in an `impl` block) cannot move into an item
        // of its own: it stays a closure, known to warm-up after the first call.
        let names_self = mentions_self_tokens(body.stream());
        let (body_item, body_known, bound_body) = if names_self {
            (
                quote! {
                    static #body_slot: #p::OnceLock<#p::Body<#family>> = #p::OnceLock::new();
                    let #body_fn: #p::Body<#family> = |#args_var| {
                        #(#clones)*
                        #body
                    };
                    #body_slot.get_or_init(|| #body_fn);
                },
                quote!(#body_slot.get().copied()),
                quote!(#body_fn),
            )
        } else {
            (
                quote! {
                    fn #body_fn(#args_var: &#anon) -> #statement_ty {
                        #(#clones)*
                        #body
                    }
                },
                quote!(::core::option::Option::Some(#body_fn)),
                quote!(#body_fn),
            )
        };

        quote! {
            #(#attrs)*
            #vis #sig {
                struct #args_struct #struct_generics {
                    #(#fields,)*
                }

                enum #family {}

                #(#assertions)*

                impl #p::Family for #family {
                    type Args<'__cq> = #args_struct #struct_generics;
                    type Key = #key_ty;
                    type Statement = #statement_ty;

                    const META: &'static #p::FnMeta = &#p::FnMeta {
                        name: #name,
                        module: ::core::module_path!(),
                        sources: &[#(#source_names),*],
                        lists: &[#(#list_names),*],
                        capacity: #capacity,
                        pad_in: #pad_in,
                        verify: #verify,
                        dims: &[#(#dims),*],
                        inline_limit: #inline_limit,
                    };

                    fn cache() -> &'static #p::FnCache<#key_ty> {
                        static #cache: #p::LazyLock<#p::FnCache<#key_ty>> =
                            #p::LazyLock::new(|| #p::FnCache::new(<#family as #p::Family>::META));
                        &#cache
                    }

                    #[inline]
                    fn key(#args_var: &#anon) -> #key_ty {
                        #key_body
                    }

                    #[inline]
                    fn key_bits(#key_var: &#key_ty) -> ::core::primitive::u64 {
                        #key_var.0
                    }

                    #[inline]
                    #[allow(unused_variables)]
                    fn value<'__cq_r>(#args_var: &'__cq_r #anon, #source: ::core::primitive::u16) -> ::core::option::Option<#p::ValueRef<'__cq_r>> {
                        match #source {
                            #(#value_arms,)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    #[inline]
                    #[allow(unused_variables)]
                    fn len(#args_var: &#anon, #list: ::core::primitive::u16) -> ::core::primitive::usize {
                        match #list {
                            #(#len_arms,)*
                            _ => 0,
                        }
                    }

                    #[inline]
                    #[allow(unused_variables)]
                    fn elem<'__cq_r>(#args_var: &'__cq_r #anon, #list: ::core::primitive::u16, #index: ::core::primitive::usize) -> ::core::option::Option<#p::ValueRef<'__cq_r>> {
                        match #list {
                            #(#elem_arms,)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    #[allow(unused_variables)]
                    fn probe<#ret_param>(
                        #real: &#anon,
                        #prober: &mut #p::Prober,
                        #callback: &mut dyn ::core::ops::FnMut(&#anon) -> #ret_param,
                    ) -> #ret_param {
                        #probe_body
                    }

                    fn body() -> ::core::option::Option<#p::Body<#family>> {
                        #body_known
                    }

                    #[allow(unused_variables, unused_mut)]
                    fn each_shape(
                        #prober: &mut #p::Prober,
                        #callback: &mut dyn ::core::ops::FnMut(&#anon, &[&::core::primitive::str]),
                    ) -> ::core::result::Result<::core::primitive::usize, #p::NotEnumerable> {
                        #each_shape_body
                    }
                }

                #p::inventory::submit! { #p::Registration::of::<#family>() }

                #body_item

                #p::bind::<#family>(#args_struct { #(#idents,)* }, #bound_body)
            }
        }
    }

    /// The user's signature, returning the handle, with elided lifetimes named `'__cq`.
    fn signature(&self, borrowed: bool) -> syn::Signature {
        let Gen { f, p, .. } = self;
        let mut sig = f.raw.sig.clone();
        for input in &mut sig.inputs {
            if let FnArg::Typed(pat) = input {
                *pat.ty = rewrite(&pat.ty, Lifetimes::Signature);
                if let Pat::Ident(ident) = &mut *pat.pat {
                    ident.mutability = None;
                }
            }
        }
        let ret = &f.ret;
        if borrowed {
            let lt = cq_lifetime(Span::call_site());
            let named: Vec<syn::Lifetime> = sig
                .generics
                .lifetimes()
                .map(|l| l.lifetime.clone())
                .collect();
            sig.generics
                .params
                .push(GenericParam::Lifetime(parse_quote!(#lt)));
            if sig.generics.lt_token.is_none() {
                sig.generics.lt_token = Some(Default::default());
                sig.generics.gt_token = Some(Default::default());
            }
            let where_clause = sig.generics.make_where_clause();
            for l in named {
                where_clause.predicates.push(parse_quote!(#l: #lt));
            }
            sig.output = parse_quote_spanned!(ret.span()=>
                -> #p::Cached<impl #p::QueryArgs<Statement = #ret> + #lt>
            );
        } else {
            sig.output = parse_quote_spanned!(ret.span()=>
                -> #p::Cached<impl #p::QueryArgs<Statement = #ret>>
            );
        }
        sig
    }

    /// The check constants, spanned at each argument's type: whether bound and `#[shape]`
    /// types qualify. Every bound the expansion requires of an argument's type goes through
    /// `Checked<_, CHECK>` with the argument's constant, so a failed check is reported once,
    /// at the argument, and silences the follow-on errors (see `__private::Checked`).
    fn assertions(&self) -> Vec<TokenStream> {
        let p = &self.p;
        self.f
            .args
            .iter()
            .zip(&self.checks)
            .filter_map(|(a, check)| {
                let check = check.as_ref()?;
                let (assert, ty) = match innermost(&a.class) {
                    Class::Shape => (quote!(assert_shape), &a.ty),
                    Class::Scalar(ty) | Class::List { elem: ty, .. } => (quote!(assert_bound), ty),
                    _ => return None,
                };
                let inferred = rewrite(ty, Lifetimes::Inferred);
                Some(quote_spanned!(ty.span()=> const #check: ::core::primitive::usize = #p::#assert::<#inferred>();))
            })
            .collect()
    }

    /// `ty` through argument `n`'s check: `ty` itself while the check holds.
    fn checked(&self, n: usize, ty: TokenStream) -> TokenStream {
        let p = &self.p;
        match &self.checks[n] {
            Some(check) => quote!(#p::Checked<#ty, { #check }>),
            None => ty,
        }
    }

    /// Argument `n`'s whole type (lifetimes inferred), checked.
    fn whole(&self, n: usize) -> TokenStream {
        let ty = rewrite(&self.f.args[n].ty, Lifetimes::Inferred);
        self.checked(n, quote!(#ty))
    }

    /// The type argument `n`'s check is about (a bound scalar, a list's element, a
    /// `#[shape]` type; lifetimes inferred), checked; `bool` for a flag.
    fn inner(&self, n: usize) -> TokenStream {
        let a = &self.f.args[n];
        let ty = match innermost(&a.class) {
            Class::Shape => &a.ty,
            Class::Scalar(ty) | Class::List { elem: ty, .. } => ty,
            _ => return quote!(::core::primitive::bool),
        };
        let ty = rewrite(ty, Lifetimes::Inferred);
        self.checked(n, quote!(#ty))
    }

    /// The `#[shape]` arguments, with their positions.
    fn shapes(&self) -> impl Iterator<Item = (usize, &Arg)> {
        self.f
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.class, Class::Shape))
    }

    fn key_type(&self) -> TokenStream {
        let shapes = self.shapes().map(|(n, a)| {
            let ty = &a.ty;
            self.checked(n, quote_spanned!(ty.span()=> #ty))
        });
        quote!((::core::primitive::u64, (#(#shapes,)*)))
    }

    /// The key's dimensions in bit order, as `FnMeta::dims` tuples.
    fn dims(&self) -> Vec<TokenStream> {
        /// `within` names the `Option` layers around the dimension (`"inside Some: "`).
        fn walk(class: &Class, name: &str, within: &str, out: &mut Vec<TokenStream>) {
            let (set, clear) = match class {
                Class::Flag => ("true", "false"),
                Class::List { .. } => ("non-empty", "empty"),
                Class::Opt(_) => ("Some", "None"),
                Class::Shape | Class::Scalar(_) => return,
            };
            let (set, clear) = (format!("{within}{set}"), format!("{within}{clear}"));
            out.push(quote!((#name, #set, #clear)));
            if let Class::Opt(inner) = class {
                walk(inner, name, &format!("{within}inside Some: "), out);
            }
        }
        let mut out = Vec::new();
        for a in &self.f.args {
            walk(&a.class, &a.ident.to_string(), "", &mut out);
        }
        out
    }

    fn key_body(&self) -> TokenStream {
        let p = &self.p;
        let args_var = local("__cq_args");
        let bits = local("__cq_bits");
        let mut next = 0usize;
        let stmts: Vec<TokenStream> = self
            .f
            .args
            .iter()
            .map(|a| {
                let ident = &a.ident;
                key_bits(p, &a.class, quote!(&#args_var.#ident), &bits, &mut next, 0)
            })
            .collect();
        let shapes = self.shapes().map(|(n, a)| {
            let ident = &a.ident;
            let ty = self.whole(n);
            quote_spanned!(a.ty.span()=> <#ty as ::core::clone::Clone>::clone(&#args_var.#ident))
        });
        quote! {
            #[allow(unused_mut)]
            let mut #bits: ::core::primitive::u64 = 0;
            #(#stmts)*
            (#bits, (#(#shapes,)*))
        }
    }

    fn value_arms(&self) -> (Vec<String>, Vec<TokenStream>) {
        let p = &self.p;
        let args_var = local("__cq_args");
        let mut names = Vec::new();
        let mut arms = Vec::new();
        for (n, a) in self.f.args.iter().enumerate() {
            let ident = &a.ident;
            let inner = self.inner(n);
            if let Some(expr) = scalar_value(p, &a.class, quote!(&#args_var.#ident), 0, &inner) {
                let n = names.len() as u16;
                names.push(ident.to_string());
                arms.push(quote!(#n => #expr));
            }
        }
        (names, arms)
    }

    fn list_arms(&self) -> (Vec<String>, Vec<TokenStream>, Vec<TokenStream>) {
        let p = &self.p;
        let args_var = local("__cq_args");
        let mut names = Vec::new();
        let mut lens = Vec::new();
        let mut elems = Vec::new();
        for (n, a) in self.f.args.iter().enumerate() {
            let ident = &a.ident;
            let access = quote!(&#args_var.#ident);
            let inner = self.inner(n);
            if let (Some(len), Some(elem)) = (
                list_len(p, &a.class, access.clone(), 0),
                list_elem(p, &a.class, access, 0, &inner),
            ) {
                let n = names.len() as u16;
                names.push(ident.to_string());
                lens.push(quote!(#n => #len));
                elems.push(quote!(#n => #elem));
            }
        }
        (names, lens, elems)
    }

    fn probe_body(&self) -> TokenStream {
        let p = &self.p;
        let real = local("__cq_real");
        let callback = local("__cq_f");
        let args_struct = local("__CqArgs");
        let mut prelude = Vec::new();
        let fields: Vec<TokenStream> = self
            .f
            .args
            .iter()
            .enumerate()
            .map(|(n, a)| {
                let ident = &a.ident;
                let access = quote!(&#real.#ident);
                let top_len = list_len(p, &a.class, access.clone(), 0);
                let checked = Checked {
                    inner: self.inner(n),
                    whole: self.whole(n),
                };
                let expr = probe_arg(
                    p,
                    &a.class,
                    access,
                    n,
                    0,
                    top_len.as_ref(),
                    &checked,
                    &mut prelude,
                );
                quote!(#ident: #expr)
            })
            .collect();
        let probe_args = local("__cq_probe_args");
        quote! {
            #(#prelude)*
            let #probe_args = #args_struct { #(#fields,)* };
            #callback(&#probe_args)
        }
    }
}

impl Gen<'_> {
    /// `each_shape`: every argument's variants (flags both ways, `None` and each inner
    /// variant, lists empty and at two sentinels, one sentinel per bound value, every value
    /// of a `#[shape]` type that implements `ShapeValues`), then their product.
    fn each_shape_body(&self) -> TokenStream {
        let p = &self.p;
        let args_struct = local("__CqArgs");
        let callback = local("__cq_f");
        let mut prelude = Vec::new();
        let mut lens = Vec::new();
        let mut fields = Vec::new();
        let mut labels = Vec::new();
        let mut loops = Vec::new();
        for (n, a) in self.f.args.iter().enumerate() {
            let ident = &a.ident;
            let vars = numbered("__cq_v", n);
            let each = numbered("__cq_a", n);
            if let Class::Shape = a.class {
                let ty = &a.ty;
                let name = ident.to_string();
                prelude.push(quote! {
                    let #vars: ::std::vec::Vec<(#ty, ::std::string::String)> = {
                        #[allow(unused_imports)]
                        use #p::{DetectNone as _, DetectShapeValues as _};
                        match (&&#p::Detect::<#ty>(#p::PhantomData)).shape_values() {
                            ::core::option::Option::Some(__cq_all) => __cq_all,
                            ::core::option::Option::None => {
                                return ::core::result::Result::Err(
                                    #p::NotEnumerable::ShapeArgument { argument: #name },
                                );
                            }
                        }
                    };
                });
                let label = format!("{name}: ");
                let whole = self.whole(n);
                fields.push(quote!(#ident: <#whole as ::core::clone::Clone>::clone(&#each.0)));
                labels.push(quote!(&::std::format!("{}{}", #label, #each.1)));
            } else {
                let expr = variants(p, &a.class, n, &self.inner(n), &mut prelude);
                prelude.push(quote!(let #vars = #expr;));
                let whole = self.whole(n);
                fields.push(quote!(#ident: <#whole as ::core::clone::Clone>::clone(#each)));
            }
            lens.push(quote!(#vars.len()));
            loops.push((each, vars));
        }
        let n = local("__cq_n");
        let mut inner = quote! {
            #callback(&#args_struct { #(#fields,)* }, &[#(#labels),*]);
        };
        for (each, vars) in loops.iter().rev() {
            inner = quote! {
                for #each in &#vars {
                    #inner
                }
            };
        }
        quote! {
            #(#prelude)*
            let #n = #p::count_shapes(&[#(#lens),*])?;
            #inner
            ::core::result::Result::Ok(#n)
        }
    }
}

/// Whether a body's tokens name `Self`.
fn mentions_self_tokens(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(ident) => ident == "Self",
        proc_macro2::TokenTree::Group(group) => mentions_self_tokens(group.stream()),
        _ => false,
    })
}

/// A `Vec` of the values one argument (or an `Option`'s inner value) takes across shapes;
/// the owned sentinels they borrow are declared by statements pushed to `prelude`.
fn variants(
    p: &TokenStream,
    class: &Class,
    n: usize,
    inner: &TokenStream,
    prelude: &mut Vec<TokenStream>,
) -> TokenStream {
    let prober = local("__cq_p");
    match class {
        Class::Flag => quote!(::std::vec![false, true]),
        // Only a whole argument is `#[shape]`; enumerated by `each_shape_body`.
        Class::Shape => quote!(::std::vec::Vec::new()),
        Class::Scalar(ty) => {
            let owned = numbered("__cq_o", n);
            prelude.push(quote_spanned!(ty.span()=> let #owned = #prober.sentinel::<#inner>();));
            quote!(::std::vec![<#inner as #p::Probe>::view(&#owned)])
        }
        Class::List { kind, elem } => {
            let owned = numbered("__cq_o", n);
            let views = numbered("__cq_l", n);
            let empty = numbered("__cq_e", n);
            let elem = rewrite(elem, Lifetimes::Inferred);
            let i = local("__cq_i");
            match kind {
                ListKind::Array(len) | ListKind::RefArray(len) => {
                    prelude.push(quote_spanned!(elem.span()=>
                        let #owned = #prober.fixed::<#inner>(#len);
                        let #views: [#elem; #len] = ::core::array::from_fn(|#i| <#inner as #p::Probe>::view(&#owned[#i]));
                    ));
                }
                ListKind::Slice | ListKind::Vec | ListKind::RefVec => {
                    prelude.push(quote_spanned!(elem.span()=>
                        let #owned = #prober.fixed::<#inner>(2);
                        let #views: ::std::vec::Vec<#elem> = #owned.iter().map(<#inner as #p::Probe>::view).collect();
                        let #empty: ::std::vec::Vec<#elem> = ::std::vec::Vec::new();
                    ));
                }
            }
            match kind {
                ListKind::Slice => quote!(::std::vec![&#empty[..], &#views[..]]),
                ListKind::Vec => quote!(::std::vec![#empty, #views]),
                ListKind::RefVec => quote!(::std::vec![&#empty, &#views]),
                ListKind::Array(_) => quote!(::std::vec![#views]),
                ListKind::RefArray(_) => quote!(::std::vec![&#views]),
            }
        }
        Class::Opt(class) => {
            let inner = variants(p, class, n, inner, prelude);
            let v = local("__cq_some");
            quote!({
                let mut #v = ::std::vec![::core::option::Option::None];
                #v.extend(::core::iter::IntoIterator::into_iter(#inner).map(::core::option::Option::Some));
                #v
            })
        }
    }
}

macro_rules! parse_quote_spanned {
    ($span:expr=> $($tt:tt)*) => {
        syn::parse2(quote_spanned!($span=> $($tt)*)).unwrap_or_else(|_| parse_quote!($($tt)*))
    };
}
use parse_quote_spanned;

fn some(expr: TokenStream) -> TokenStream {
    quote!(::core::option::Option::Some(#expr))
}

fn depth_var(prefix: &str, depth: usize) -> Ident {
    numbered(prefix, depth)
}

/// Statements that set this class's key bits; `access` evaluates to `&T`.
fn key_bits(
    p: &TokenStream,
    class: &Class,
    access: TokenStream,
    bits: &Ident,
    next: &mut usize,
    depth: usize,
) -> TokenStream {
    match class {
        Class::Flag => {
            let k = take_bit(next);
            quote!(if *#access { #bits |= 1u64 << #k; })
        }
        Class::List { .. } => {
            let k = take_bit(next);
            quote!(if !#p::List::as_slice(#access).is_empty() { #bits |= 1u64 << #k; })
        }
        Class::Opt(inner) => {
            let k = take_bit(next);
            let v = depth_var("__cq_k", depth);
            let inner = key_bits(p, inner, quote!(#v), bits, next, depth + 1);
            quote! {
                if let ::core::option::Option::Some(#v) = #access {
                    #bits |= 1u64 << #k;
                    #inner
                }
            }
        }
        Class::Shape | Class::Scalar(_) => quote!(),
    }
}

/// The class under any `Option` layers.
fn innermost(class: &Class) -> &Class {
    match class {
        Class::Opt(inner) => innermost(inner),
        other => other,
    }
}

fn take_bit(next: &mut usize) -> u32 {
    let k = *next as u32;
    *next += 1;
    k
}

/// An `Option<Value>` expression for the bound scalar in `class`, if it has one.
/// `inner` is the scalar's type, checked.
fn scalar_value(
    p: &TokenStream,
    class: &Class,
    access: TokenStream,
    depth: usize,
    inner: &TokenStream,
) -> Option<TokenStream> {
    match class {
        Class::Scalar(ty) => {
            let view = view_value(p, ty.span(), inner, access);
            Some(some(view))
        }
        Class::Opt(class) => {
            let v = depth_var("__cq_v", depth);
            let inner = scalar_value(p, class, quote!(#v), depth + 1, inner)?;
            Some(quote! {
                match #access {
                    ::core::option::Option::Some(#v) => #inner,
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            })
        }
        _ => None,
    }
}

/// The value of a bound argument or list element (`access`, a reference to a `ty`):
/// borrowed where it holds text or bytes, made with `Into<Value>` otherwise (the borrowing
/// trait's method wins where it applies, one autoref closer).
fn view_value(
    p: &TokenStream,
    span: proc_macro2::Span,
    ty: &TokenStream,
    access: TokenStream,
) -> TokenStream {
    quote_spanned! {span=> {
        #[allow(unused_imports)]
        use #p::{ViewBorrowed as _, ViewOwned as _};
        (&#p::View::<#ty>(#access)).value_ref()
    }}
}

/// A `usize` expression for the length of the list in `class`, if it has one.
fn list_len(
    p: &TokenStream,
    class: &Class,
    access: TokenStream,
    depth: usize,
) -> Option<TokenStream> {
    match class {
        Class::List { .. } => Some(quote!(#p::List::as_slice(#access).len())),
        Class::Opt(inner) => {
            let v = depth_var("__cq_v", depth);
            let inner = list_len(p, inner, quote!(#v), depth + 1)?;
            Some(quote! {
                match #access {
                    ::core::option::Option::Some(#v) => #inner,
                    ::core::option::Option::None => 0,
                }
            })
        }
        _ => None,
    }
}

/// An `Option<Value>` expression for element `__cq_index` of the list in `class`; `inner`
/// is the element type, checked.
fn list_elem(
    p: &TokenStream,
    class: &Class,
    access: TokenStream,
    depth: usize,
    inner: &TokenStream,
) -> Option<TokenStream> {
    let index = local("__cq_index");
    match class {
        Class::List { elem, .. } => {
            let e = local("__cq_e");
            let view = view_value(p, elem.span(), inner, quote!(#e));
            Some(quote_spanned!(elem.span()=>
                #p::List::as_slice(#access).get(#index).map(|#e| #view)
            ))
        }
        Class::Opt(class) => {
            let v = depth_var("__cq_v", depth);
            let inner = list_elem(p, class, quote!(#v), depth + 1, inner)?;
            Some(quote! {
                match #access {
                    ::core::option::Option::Some(#v) => #inner,
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            })
        }
        _ => None,
    }
}

/// An argument's types as the expansion requires traits of them (see `Gen::checked`).
struct Checked {
    /// The bound scalar's, list element's or `#[shape]` type.
    inner: TokenStream,
    /// The argument's type.
    whole: TokenStream,
}

/// The probe value of one argument: key parts copied from the real call, bound values and
/// list elements fresh sentinels (stored by statements pushed to `prelude`).
#[allow(clippy::too_many_arguments)]
fn probe_arg(
    p: &TokenStream,
    class: &Class,
    real: TokenStream,
    n: usize,
    depth: usize,
    top_len: Option<&TokenStream>,
    checked: &Checked,
    prelude: &mut Vec<TokenStream>,
) -> TokenStream {
    let prober = local("__cq_p");
    let inner = &checked.inner;
    match class {
        Class::Flag => quote!(::core::clone::Clone::clone(#real)),
        Class::Shape => {
            let whole = &checked.whole;
            quote!(<#whole as ::core::clone::Clone>::clone(#real))
        }
        Class::Scalar(ty) => {
            let owned = numbered("__cq_o", n);
            prelude.push(quote_spanned!(ty.span()=> let #owned = #prober.sentinel::<#inner>();));
            quote!(<#inner as #p::Probe>::view(&#owned))
        }
        Class::List { kind, elem } => {
            let owned = numbered("__cq_o", n);
            let views = numbered("__cq_l", n);
            let elem = rewrite(elem, Lifetimes::Inferred);
            let i = local("__cq_i");
            match kind {
                ListKind::Array(len) | ListKind::RefArray(len) => {
                    prelude.push(quote_spanned!(elem.span()=>
                        let #owned = #prober.fixed::<#inner>(#len);
                        let #views: [#elem; #len] = ::core::array::from_fn(|#i| <#inner as #p::Probe>::view(&#owned[#i]));
                    ));
                }
                ListKind::Slice | ListKind::Vec | ListKind::RefVec => {
                    let len = top_len.cloned().unwrap_or_else(|| quote!(0));
                    prelude.push(quote_spanned!(elem.span()=>
                        let #owned = #prober.sentinels::<#inner>(#len);
                        let #views: ::std::vec::Vec<#elem> = #owned.iter().map(<#inner as #p::Probe>::view).collect();
                    ));
                }
            }
            match kind {
                ListKind::Slice => quote!(&#views[..]),
                ListKind::Vec | ListKind::Array(_) => quote!(#views),
                ListKind::RefVec | ListKind::RefArray(_) => quote!(&#views),
            }
        }
        Class::Opt(class) => {
            let r = depth_var("__cq_r", depth);
            let inner = probe_arg(
                p,
                class,
                quote!(#r),
                n,
                depth + 1,
                top_len,
                checked,
                prelude,
            );
            let inner = some(inner);
            quote! {
                match #real {
                    ::core::option::Option::Some(#r) => #inner,
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        }
    }
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
        assert!(text.contains("pub fn posts<'__cq>"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
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
                    Query::select().column(Post::Id).from(Post::Table)
                        .limit(size).offset(number * size).to_owned()
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
