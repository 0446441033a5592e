//! The chumsky grammar over logos tokens. `grammar/gremlin.ebnf` documents what it accepts.
//!
//! A call such as `not(…)` or `gt(1).and(lt(3))` is parsed once as a chain of instructions and
//! classified afterwards (see `classify_chain`), so that nested calls never backtrack.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::ast::{
    Argument, EnumValue, GValue, Instruction, Predicate, PredicateClass, Strategy, Traversal, TraversalRoot,
};
use super::lexer::Token;
use super::{literal, names};

type Extra<'t, 's> = extra::Err<Rich<'t, Token<'s>>>;

/// `g` followed by source instructions, a spawn step and further steps.
pub fn traversal<'t, 's: 't, I>() -> impl Parser<'t, I, Traversal, Extra<'t, 's>>
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    let instructions = just(Token::Dot).ignore_then(instruction(argument())).repeated().at_least(1).collect();
    just(Token::Ident("g")).labelled("'g'").ignore_then(instructions).then_ignore(end()).try_map(split_source)
}

/// Splits `g.…` instructions into source configuration, the spawn step and the remaining steps.
fn split_source<'t, 's>(mut steps: Vec<Instruction>, span: SimpleSpan) -> Result<Traversal, Rich<'t, Token<'s>>> {
    let at = steps.iter().position(|step| !names::is_source_step(&step.name));
    let Some(at) = at else {
        let end = SimpleSpan::from(span.end..span.end);
        return Err(Rich::custom(end, "a traversal needs a start step such as V() after g"));
    };
    let rest = steps.split_off(at + 1);
    let Some(spawn) = steps.pop() else { return Err(Rich::custom(span, "a traversal needs a start step")) };
    if !names::is_spawn_step(&spawn.name) {
        let pos = SimpleSpan::from(spawn.pos..spawn.pos + spawn.name.len());
        return Err(Rich::custom(pos, format!("{}() cannot start a traversal from g", spawn.name)));
    }
    Ok(Traversal { root: TraversalRoot::Source { source: steps, spawn }, steps: rest })
}

fn ident<'t, 's: 't, I>() -> impl Parser<'t, I, &'s str, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    select! { Token::Ident(name) => name }.labelled("identifier")
}

/// `name(arg, …)`, keeping the byte offset of the name.
fn instruction<'t, 's: 't, I>(
    arg: impl Parser<'t, I, Argument, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Instruction, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    ident()
        .map_with(|name, e| {
            let span: SimpleSpan = e.span();
            (name.to_string(), span.start)
        })
        .then(arguments(arg))
        .map(|((name, pos), args)| Instruction { name, args, pos })
}

fn arguments<'t, 's: 't, I, O>(
    item: impl Parser<'t, I, O, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Vec<O>, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    item.separated_by(just(Token::Comma)).collect().delimited_by(just(Token::LParen), just(Token::RParen))
}

/// Any step argument. Order matters only where one form is a prefix of another: constants and
/// bare enums (which refuse a following `(`) come before calls; a lone identifier is a variable.
fn argument<'t, 's: 't, I>() -> impl Parser<'t, I, Argument, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    recursive(|arg| {
        let step = instruction(arg.clone());
        let chain = just(Token::Dot).ignore_then(step.clone()).repeated();
        let anonymous = just(Token::Ident("__"))
            .ignore_then(chain.clone().at_least(1).collect::<Vec<_>>())
            .map(|steps| Argument::Traversal(Box::new(Traversal { root: TraversalRoot::Anonymous, steps })));
        let bare_chain = step.then(chain.collect::<Vec<_>>()).map(|(first, rest)| {
            let mut steps = vec![first];
            steps.extend(rest);
            classify_chain(steps)
        });
        choice((
            value().map(|value| match value {
                GValue::Enum(e) => Argument::Enum(e),
                other => Argument::Literal(other),
            }),
            qualified_predicate(arg.clone()).map(Argument::Predicate),
            strategy(arg.clone()).map(Argument::Strategy),
            anonymous,
            bare_chain,
            ident().map(|name| Argument::Variable(name.to_string())),
        ))
    })
}

/// A bare chain is a predicate when it starts with a predicate name (`not` only around a
/// predicate) and continues only with `.and(p)` / `.or(p)`; otherwise an anonymous traversal.
fn classify_chain(steps: Vec<Instruction>) -> Argument {
    match predicate_chain(&steps) {
        Some(predicate) => Argument::Predicate(predicate),
        None => Argument::Traversal(Box::new(Traversal { root: TraversalRoot::Anonymous, steps })),
    }
}

fn predicate_chain(steps: &[Instruction]) -> Option<Predicate> {
    let (first, rest) = steps.split_first()?;
    let class = names::predicate_class(&first.name)?;
    if first.name == "not" && !matches!(first.args.as_slice(), [Argument::Predicate(_)]) {
        return None;
    }
    let head = Predicate::Call { class, name: first.name.clone(), args: first.args.clone() };
    rest.iter().try_fold(head, |left, step| match (step.name.as_str(), step.args.as_slice()) {
        ("and", [Argument::Predicate(right)]) => Some(Predicate::And(Box::new(left), Box::new(right.clone()))),
        ("or", [Argument::Predicate(right)]) => Some(Predicate::Or(Box::new(left), Box::new(right.clone()))),
        _ => None,
    })
}

/// `P.gt(1)`, `TextP.regex("a.*")`, optionally combined with `.and(p)` / `.or(p)`.
fn qualified_predicate<'t, 's: 't, I>(
    arg: impl Parser<'t, I, Argument, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Predicate, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    let class = select! {
        Token::Ident("P") => PredicateClass::P,
        Token::Ident("TextP") => PredicateClass::TextP,
    };
    let head = class
        .then_ignore(just(Token::Dot))
        .then(select! { Token::Ident(name) if names::predicate_class(name).is_some() => name }.labelled("predicate"))
        .then(arguments(arg.clone()))
        // `P.not(1)` parses; the lowering rejects a `not` whose argument is no predicate.
        .map(|((class, name), args)| Predicate::Call { class, name: name.to_string(), args });
    let combinator = select! { Token::Ident("and") => true, Token::Ident("or") => false };
    let tail =
        just(Token::Dot).ignore_then(combinator).then(arg.delimited_by(just(Token::LParen), just(Token::RParen)));
    head.foldl(
        tail.try_map(|(is_and, right), span| match right {
            Argument::Predicate(right) => Ok((is_and, right)),
            _ => Err(Rich::custom(span, "and()/or() on a predicate takes a predicate")),
        })
        .repeated(),
        |left, (is_and, right)| {
            if is_and {
                Predicate::And(Box::new(left), Box::new(right))
            } else {
                Predicate::Or(Box::new(left), Box::new(right))
            }
        },
    )
}

/// `new SeedStrategy(seed: 1)`, `SeedStrategy(seed: 1)` or a bare `ReadOnlyStrategy`.
fn strategy<'t, 's: 't, I>(
    arg: impl Parser<'t, I, Argument, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, Strategy, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    let name = select! { Token::Ident(name) if name.ends_with("Strategy") => name };
    let entry = ident().then_ignore(just(Token::Colon)).then(arg).map(|(key, value)| (key.to_string(), value));
    let config = entry
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    just(Token::Ident("new"))
        .or_not()
        .ignore_then(name)
        .then(config.or_not())
        .map(|(name, config)| Strategy { name: name.to_string(), config: config.unwrap_or_default() })
}

/// A constant: numbers, strings, keywords, `datetime(…)`, `UUID(…)`, enums, lists, maps, sets.
fn value<'t, 's: 't, I>() -> impl Parser<'t, I, GValue, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    recursive(|value| {
        let negative = select! { Token::Minus => true, Token::Plus => false }.or_not().map(|sign| sign == Some(true));
        let number = negative
            .then(select! { Token::Num(raw) => raw })
            .try_map(|(negative, raw), span| literal::number(raw, negative).map_err(|m| Rich::custom(span, m)));
        let text = select! { Token::Str(raw) => raw }
            .try_map(|raw, span| literal::string(raw).map_err(|m| Rich::custom(span, m)))
            .labelled("string");
        let keyword = select! {
            Token::Ident("null") => GValue::Null,
            Token::Ident("true") => GValue::Boolean(true),
            Token::Ident("false") => GValue::Boolean(false),
            Token::Ident("NaN") => GValue::Double(f64::NAN),
        };
        let infinity = negative
            .then_ignore(just(Token::Ident("Infinity")))
            .map(|negative| GValue::Double(if negative { f64::NEG_INFINITY } else { f64::INFINITY }));
        let datetime = select! { Token::Ident("datetime") => (), Token::Ident("DateTime") => () }
            .ignore_then(text.delimited_by(just(Token::LParen), just(Token::RParen)))
            .map(GValue::DateTime);
        let uuid = just(Token::Ident("UUID"))
            .ignore_then(text.or_not().delimited_by(just(Token::LParen), just(Token::RParen)))
            .map(GValue::Uuid);
        let string = text.map(GValue::String);

        let list = value
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(GValue::List);
        let set = value
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect()
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map(GValue::Set);
        // An unparenthesised identifier key is a string (`[name: 1]`); `(T.id)` or `T.id` is an enum.
        let key = choice((
            value.clone().delimited_by(just(Token::LParen), just(Token::RParen)),
            qualified_enum(value.clone()),
            number,
            string,
            ident().map(|name| GValue::String(name.to_string())),
        ));
        let entries = key
            .then_ignore(just(Token::Colon))
            .then(value.clone())
            .separated_by(just(Token::Comma))
            .at_least(1)
            .allow_trailing()
            .collect()
            .or(just(Token::Colon).to(Vec::new()))
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(GValue::Map);

        choice((
            number,
            string,
            keyword,
            infinity,
            datetime,
            uuid,
            qualified_enum(value),
            bare_enum(),
            entries,
            list,
            set,
        ))
    })
}

/// `T.id`, `GType.SET`, and `Cardinality.single(v)` for the value maps of `mergeV`.
fn qualified_enum<'t, 's: 't, I>(
    value: impl Parser<'t, I, GValue, Extra<'t, 's>> + Clone,
) -> impl Parser<'t, I, GValue, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    select! { Token::Ident(kind) if names::ENUM_CLASSES.contains(&kind) => kind }
        .then_ignore(just(Token::Dot))
        .then(ident())
        .map(|(kind, value)| EnumValue { kind: kind.to_string(), value: value.to_string() })
        .then(value.delimited_by(just(Token::LParen), just(Token::RParen)).or_not())
        .try_map(|(e, inner), span| match inner {
            None => Ok(GValue::Enum(e)),
            Some(inner) if e.kind == "Cardinality" => Ok(GValue::Cardinality(e, Box::new(inner))),
            Some(_) => Err(Rich::custom(span, format!("{}.{} takes no arguments", e.kind, e.value))),
        })
}

/// A constant written without its class (`desc`, `OUT`); not when `(` follows, as `values(…)` is a step.
fn bare_enum<'t, 's: 't, I>() -> impl Parser<'t, I, GValue, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    select! { Token::Ident(word) if names::bare_enum_class(word).is_some() => word }
        .then(just(Token::LParen).or_not().rewind())
        .try_map(|(word, paren), span| match (names::bare_enum_class(word), paren) {
            (Some(kind), None) => Ok(GValue::Enum(EnumValue { kind: kind.to_string(), value: word.to_string() })),
            _ => Err(Rich::custom(span, format!("{word} is a step here, not a constant"))),
        })
}
