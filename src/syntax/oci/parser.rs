//! The OCI policy statement parser: `grammar/oci-policy.ebnf`, implemented with nom.
//!
//! Every production of the grammar is one function here, named after it. Keywords are
//! case-insensitive; whitespace between tokens is insignificant. Errors record the furthest offset
//! reached and what was expected there; mistakes people really make (a `;`, a comment, double or
//! smart quotes, an infix `and`, `compartment ocid1…` without `id`) get a message of their own.

use super::ast::*;
use crate::span::{Span, SpanMap};
use crate::text::starts_with_ignore_case;
use nom::branch::alt;
use nom::combinator::cut;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input, Parser};
use nom_locate::LocatedSpan;

type In<'a> = LocatedSpan<&'a str, &'a SpanMap>;
type Res<'a, T> = IResult<In<'a>, T, Error>;

/// Why a statement did not parse: where (a span of the file) and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub help: Option<&'static str>,
}

/// Parses one statement. `text` is the statement as OCI sees it; `map` places it in its file.
pub fn parse_statement<'a>(text: &'a str, map: &'a SpanMap) -> Result<Statement<'a>, SyntaxError> {
    let input = In::new_extra(text, map);
    let result = (statement, end_of_statement).parse(input);
    match result {
        Ok((_, (stmt, ()))) => Ok(stmt),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(e.into_syntax_error(text, map)),
        Err(nom::Err::Incomplete(_)) => Err(Error::at(text.len()).into_syntax_error(text, map)),
    }
}

// ---------- errors ----------

/// Alternatives are labelled as a group by `expect`, so a few slots are enough; keeping the error
/// small keeps every parser's `Result` small.
const MAX_EXPECTED: usize = 4;

/// The parser's error: furthest offset wins, expectations at the same offset are merged.
#[derive(Clone, Debug)]
struct Error {
    offset: usize,
    expected: [&'static str; MAX_EXPECTED],
    n_expected: usize,
    message: Option<&'static str>,
    help: Option<&'static str>,
}

impl Error {
    fn at(offset: usize) -> Self {
        Self { offset, expected: [""; MAX_EXPECTED], n_expected: 0, message: None, help: None }
    }

    fn expected(offset: usize, what: &'static str) -> Self {
        let mut e = Self::at(offset);
        e.push(what);
        e
    }

    fn push(&mut self, what: &'static str) {
        if self.expectations().contains(&what) {
            return;
        }
        if let Some(slot) = self.expected.get_mut(self.n_expected) {
            *slot = what;
            self.n_expected += 1;
        }
    }

    fn expectations(&self) -> &[&'static str] {
        self.expected.get(..self.n_expected).unwrap_or(&[])
    }

    fn into_syntax_error(self, text: &str, map: &SpanMap) -> SyntaxError {
        let offset = self.offset.min(text.len());
        let rest = text.get(offset..).unwrap_or("");
        let found_len = found_token_len(rest);
        let span = map.map(offset, offset + found_len);
        let found =
            if found_len == 0 { "the end of the statement".to_string() } else { format!("`{}`", &rest[..found_len]) };
        let message = match self.message {
            Some(m) => m.to_string(),
            None if self.n_expected == 0 => format!("unexpected {found}"),
            None => format!("expected {}, found {found}", one_of(self.expectations())),
        };
        SyntaxError { span, message, help: self.help }
    }
}

/// The length of the token that starts `rest`, to quote what was found.
fn found_token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if is_word_char(c) => rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len()).min(60),
        Some((_, c)) => c.len_utf8(),
    }
}

fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl<'a> ParseError<In<'a>> for Error {
    fn from_error_kind(input: In<'a>, _: ErrorKind) -> Self {
        Self::at(input.location_offset())
    }

    fn append(_: In<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        match self.offset.cmp(&other.offset) {
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Equal => {
                let mut merged = self;
                if merged.message.is_none() {
                    merged.message = other.message;
                    merged.help = other.help;
                }
                for what in other.expectations() {
                    merged.push(what);
                }
                merged
            }
        }
    }
}

/// A mistake with a message of its own; it stops backtracking.
fn fatal(i: &In, message: &'static str, help: &'static str) -> nom::Err<Error> {
    let mut e = Error::at(i.location_offset());
    e.message = Some(message);
    e.help = Some(help);
    nom::Err::Failure(e)
}

/// Relabels a failure that made no progress as "expected `label`".
fn expect<'a, O>(
    label: &'static str,
    mut p: impl Parser<In<'a>, Output = O, Error = Error>,
) -> impl Parser<In<'a>, Output = O, Error = Error> {
    move |i: In<'a>| {
        let i = ws(i);
        let start = i.location_offset();
        match p.parse(i) {
            Err(nom::Err::Error(e)) if e.offset <= start && e.message.is_none() => {
                Err(nom::Err::Error(Error::expected(start, label)))
            }
            other => other,
        }
    }
}

// ---------- lexical ----------

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '+')
}

fn ws(i: In) -> In {
    let frag = *i.fragment();
    let skipped = frag.len() - frag.trim_start_matches([' ', '\t', '\r', '\n']).len();
    i.take_from(skipped)
}

fn span(start: &In, end: &In) -> Span {
    start.extra.map(start.location_offset(), end.location_offset())
}

fn token<'a>(start: &In<'a>, end: &In<'a>) -> Token<'a> {
    let len = end.location_offset() - start.location_offset();
    Token { text: &start.fragment()[..len], span: span(start, end) }
}

/// A case-insensitive keyword that is a whole word.
fn kw<'a>(word: &'static str) -> impl Fn(In<'a>) -> Res<'a, Span> {
    move |i: In<'a>| {
        let i = ws(i);
        let frag = *i.fragment();
        let matched = starts_with_ignore_case(frag, word)
            && !frag.get(word.len()..).is_some_and(|rest| rest.starts_with(is_word_char));
        if matched {
            let (rest, _) = i.take_split(word.len());
            Ok((rest, span(&i, &rest)))
        } else {
            Err(nom::Err::Error(Error::expected(i.location_offset(), keyword_label(word))))
        }
    }
}

/// Backquoted keyword labels for messages, without allocating.
fn keyword_label(word: &'static str) -> &'static str {
    match word {
        "allow" => "`allow`",
        "deny" => "`deny`",
        "define" => "`define`",
        "endorse" => "`endorse`",
        "admit" => "`admit`",
        "to" => "`to`",
        "in" => "`in`",
        "of" => "`of`",
        "as" => "`as`",
        "id" => "`id`",
        "with" => "`with`",
        "where" => "`where`",
        "and" => "`and`",
        "tenancy" => "`tenancy`",
        "compartment" => "`compartment`",
        "any-tenancy" => "`any-tenancy`",
        "group" => "`group`",
        "dynamic-group" => "`dynamic-group`",
        "service" => "`service`",
        "any-user" => "`any-user`",
        "any-group" => "`any-group`",
        _ => "a keyword",
    }
}

fn char_tok<'a>(c: char, label: &'static str) -> impl Fn(In<'a>) -> Res<'a, Span> {
    move |i: In<'a>| {
        let i = ws(i);
        if i.fragment().starts_with(c) {
            let (rest, _) = i.take_split(c.len_utf8());
            Ok((rest, span(&i, &rest)))
        } else {
            Err(nom::Err::Error(Error::expected(i.location_offset(), label)))
        }
    }
}

/// `word = letter_or_digit , { letter_or_digit | "-" | "_" | "." }`
fn word(i: In) -> Res<Token> {
    let i = ws(i);
    let frag = *i.fragment();
    if !frag.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(nom::Err::Error(Error::at(i.location_offset())));
    }
    let len = frag.find(|c: char| !is_word_char(c)).unwrap_or(frag.len());
    let (rest, _) = i.take_split(len);
    Ok((rest, token(&i, &rest)))
}

/// `string = "'" , { any char except "'" and newline } , "'"`; the token excludes the quotes.
fn string(i: In) -> Res<Token> {
    let i = ws(i);
    reject_bad_quotes(&i)?;
    let frag = *i.fragment();
    if !frag.starts_with('\'') {
        return Err(nom::Err::Error(Error::expected(i.location_offset(), "a quoted string")));
    }
    match frag[1..].find(['\'', '\n']) {
        Some(n) if frag.as_bytes().get(1 + n) == Some(&b'\'') => {
            let (after_open, _) = i.take_split(1);
            let (close, _) = after_open.take_split(n);
            let (rest, _) = close.take_split(1);
            Ok((rest, token(&after_open, &close)))
        }
        _ => Err(fatal(
            &i,
            "unterminated string: a `'` opens a string that does not close on this line",
            "close the string with `'`",
        )),
    }
}

/// Double and typographic quotes are never OCI syntax, and are the usual copy-paste mistake.
fn reject_bad_quotes(i: &In) -> Result<(), nom::Err<Error>> {
    let frag = *i.fragment();
    if frag.starts_with('"') {
        return Err(fatal(i, "OCI strings use single quotes, not `\"`", "write 'value'"));
    }
    if frag.starts_with(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']) {
        return Err(fatal(
            i,
            "typographic quotes are not OCI syntax",
            "replace the curly quotes with straight single quotes: 'value'",
        ));
    }
    Ok(())
}

/// `name = word | string`
fn name(i: In) -> Res<Token> {
    expect("a name", alt((string, word))).parse(i)
}

/// An OCID where one is required. Placeholders (`<tenancy ocid>`, `${var.x}`) are accepted here
/// so that OCI006 can say what is wrong with them; anything else is a syntax error.
fn ocid(i: In) -> Res<Token> {
    let i = ws(i);
    let frag = *i.fragment();
    let stop = |c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}' | '(' | ')' | '\'');
    let (skip, len) = if starts_with_ignore_case(frag, "ocid1.") {
        (0, frag.find(stop).unwrap_or(frag.len()))
    } else if let Some(quoted) = frag.strip_prefix('\'') {
        (1, quoted.find(['\'', '\n']).unwrap_or(quoted.len()))
    } else if frag.starts_with('<') {
        (0, frag.find('>').map_or(frag.len(), |n| n + 1))
    } else if frag.starts_with("${") {
        (0, frag.find('}').map_or(frag.len(), |n| n + 1))
    } else {
        return Err(nom::Err::Error(Error::expected(i.location_offset(), "an OCID")));
    };
    let (start, _) = i.take_split(skip);
    let (end, _) = start.take_split(len);
    let rest = if skip == 1 && end.fragment().starts_with('\'') { end.take_split(1).0 } else { end };
    Ok((rest, token(&start, &end)))
}

// ---------- statements ----------

/// `statement = allow_stmt | deny_stmt | define_stmt | endorse_stmt | admit_stmt`
fn statement(i: In) -> Res<Statement> {
    let i = ws(i);
    reject_comment(&i)?;
    let (rest, _) = expect(
        "a statement (`allow`, `deny`, `define`, `endorse` or `admit`)",
        alt((kw("allow"), kw("deny"), kw("define"), kw("endorse"), kw("admit"))),
    )
    .parse(i)?;
    let keyword = token(&i, &rest);
    let (rest, kind) = if keyword.eq_ignore_case("allow") {
        cut(grant).map(|grant| StatementKind::Grant { effect: Effect::Allow, grant }).parse(rest)?
    } else if keyword.eq_ignore_case("deny") {
        cut(deny_body).parse(rest)?
    } else if keyword.eq_ignore_case("define") {
        cut(define_body).map(StatementKind::Define).parse(rest)?
    } else if keyword.eq_ignore_case("endorse") {
        cut(endorse_body).map(|grant| StatementKind::Endorse { effect: Effect::Allow, grant }).parse(rest)?
    } else {
        cut(admit_body).map(|grant| StatementKind::Admit { effect: Effect::Allow, grant }).parse(rest)?
    };
    Ok((rest, Statement { span: span(&i, &rest), keyword, kind }))
}

/// `deny_stmt = "deny" , ( grant | "endorse" , endorse_body | "admit" , admit_body )`
fn deny_body(i: In) -> Res<StatementKind> {
    if let Ok((rest, _)) = kw("endorse")(i) {
        let (rest, grant) = cut(endorse_body).parse(rest)?;
        return Ok((rest, StatementKind::Endorse { effect: Effect::Deny, grant }));
    }
    if let Ok((rest, _)) = kw("admit")(i) {
        let (rest, grant) = cut(admit_body).parse(rest)?;
        return Ok((rest, StatementKind::Admit { effect: Effect::Deny, grant }));
    }
    grant.map(|grant| StatementKind::Grant { effect: Effect::Deny, grant }).parse(i)
}

/// `grant = subject , grant_action , "in" , location , [ where_clause ]`
fn grant(i: In) -> Res<Grant> {
    let (i, subject) = subject(i)?;
    let (i, action) = grant_action(i).map_err(|e| glued_to(&subject, i).unwrap_or(e))?;
    let (i, _) = kw("in")(i)?;
    let (i, location) = location(i)?;
    let (i, condition) = where_clause(i)?;
    Ok((i, Grant { subject, action, location, condition }))
}

/// `end of statement`, with the usual trailing mistakes named.
fn end_of_statement(i: In) -> Res<()> {
    let i = ws(i);
    let frag = *i.fragment();
    if frag.is_empty() {
        return Ok((i, ()));
    }
    if frag.starts_with(';') {
        return Err(fatal(&i, "OCI statements have no terminator", "remove the `;`"));
    }
    reject_comment(&i)?;
    if kw("where")(i).is_ok() {
        return Err(fatal(
            &i,
            "a second `where`: a statement has one condition clause",
            "combine the conditions in one clause: `where all {<first>, <second>}`",
        ));
    }
    if kw("and")(i).is_ok() || kw("or")(i).is_ok() {
        return Err(fatal(
            &i,
            "conditions have no infix `and`/`or`",
            "combine conditions with `all {a, b}` or `any {a, b}`",
        ));
    }
    Err(nom::Err::Error(Error::expected(i.location_offset(), "the end of the statement")))
}

fn reject_comment(i: &In) -> Result<(), nom::Err<Error>> {
    let frag = *i.fragment();
    if frag.starts_with('#') || frag.starts_with("//") || frag.starts_with("/*") {
        return Err(fatal(
            i,
            "OCI statements cannot contain comments",
            "move the comment to a `#` line of its own between statements",
        ));
    }
    Ok(())
}

// ---------- subjects ----------

/// `…, admin-groupto use vnics`: the subject's last name swallowed the `to` after it. Only an
/// unquoted name that ends in `to` right where the subject ends, before a verb, qualifies.
fn glued_to<'a>(subject: &Subject<'a>, rest: In<'a>) -> Option<nom::Err<Error>> {
    let last = match &subject.kind {
        SubjectKind::Group(names) | SubjectKind::DynamicGroup(names) => match names.last()? {
            Principal::Name { name, .. } => name.text,
            Principal::Id(_) => return None,
        },
        SubjectKind::Service(words) | SubjectKind::Resource(words) => words.last()?.text,
        SubjectKind::AnyUser | SubjectKind::AnyGroup => return None,
    };
    let ends_in_to = last.len() > 2 && last.get(last.len() - 2..).is_some_and(|t| t.eq_ignore_ascii_case("to"));
    let ends_here = last.as_ptr().wrapping_add(last.len()) == rest.fragment().as_ptr();
    if !ends_in_to || !ends_here || (verb(rest).is_err() && char_tok('{', "")(rest).is_err()) {
        return None;
    }
    let mut e = Error::at(rest.location_offset() - 2);
    // A name that really ends in "to" (`Toronto read …`) lacks its `to` too; the message fits both.
    e.message = Some("missing space before `to`: the subject's last name runs into it (or `to` is missing)");
    e.help = Some("write `<name> to <verb> …`, with a space before `to`");
    Some(nom::Err::Failure(e))
}

/// `subject = "group" principal_list | "dynamic-group" principal_list | "service" … | "any-user" | "any-group" | "resource" …`
fn subject(i: In) -> Res<Subject> {
    let start = ws(i);
    if kw("user")(start).is_ok() || kw("users")(start).is_ok() {
        return Err(fatal(
            &start,
            "OCI has no `user` subject",
            "grant to a group, or to `any-user` with `where request.user.id = '<user ocid>'`",
        ));
    }
    let (rest, kind) = expect(
        "a subject (`group`, `dynamic-group`, `service`, `any-user` or `any-group`)",
        alt((
            (kw("group"), cut(principal_list)).map(|(_, p)| SubjectKind::Group(p)),
            (kw("dynamic-group"), cut(principal_list)).map(|(_, p)| SubjectKind::DynamicGroup(p)),
            (kw("service"), cut(comma_list(service_name))).map(|(_, s)| SubjectKind::Service(s)),
            kw("any-user").map(|_| SubjectKind::AnyUser),
            kw("any-group").map(|_| SubjectKind::AnyGroup),
            (kw("resource"), cut(resource_principal)).map(|(_, r)| SubjectKind::Resource(r)),
        )),
    )
    .parse(start)?;
    Ok((rest, Subject { span: span(&start, &rest), kind }))
}

/// `service_name = word | string`: `objectstorage-us-ashburn-1`, `'cloudguard'`.
fn service_name(i: In) -> Res<Token> {
    expect("a service name", alt((string, word))).parse(i)
}

/// `"resource" , word , [ word ]`; the optional second word is never the `to` of the action nor the
/// `of` of an Admit's `of tenancy`.
fn resource_principal(i: In) -> Res<Vec<Token>> {
    let (i, first) = expect("a resource kind", word).parse(i)?;
    match word(i) {
        Ok((rest, second)) if !second.eq_ignore_case("to") && !second.eq_ignore_case("of") => {
            Ok((rest, vec![first, second]))
        }
        _ => Ok((i, vec![first])),
    }
}

/// `principal_list = principal_name {"," principal_name} | "id" ocid {"," "id" ocid}`
fn principal_list(i: In) -> Res<Vec<Principal>> {
    if kw("id")(i).is_ok() {
        comma_list((kw("id"), cut(ocid)).map(|(_, id)| Principal::Id(id))).parse(i)
    } else {
        comma_list(principal_name).parse(i)
    }
}

/// `principal_name = [ name , "/" ] , name`
fn principal_name(i: In) -> Res<Principal> {
    let (i, first) = expect("a group name", name).parse(i)?;
    if let Ok((rest, _)) = char_tok('/', "`/`")(i) {
        let (rest, second) = cut(name).parse(rest)?;
        return Ok((rest, Principal::Name { domain: Some(first), name: second }));
    }
    Ok((i, Principal::Name { domain: None, name: first }))
}

fn comma_list<'a, O>(
    mut item: impl Parser<In<'a>, Output = O, Error = Error>,
) -> impl Parser<In<'a>, Output = Vec<O>, Error = Error> {
    move |i: In<'a>| {
        let (mut i, first) = item.parse(i)?;
        let mut items = vec![first];
        while let Ok((rest, _)) = char_tok(',', "`,`")(i) {
            let (rest, next) = cut(|x| item.parse(x)).parse(rest)?;
            items.push(next);
            i = rest;
        }
        Ok((i, items))
    }
}

// ---------- actions ----------

/// `grant_action = "to" verb resource_type | "to" permission_list | permission_list`
fn grant_action(i: In) -> Res<Action> {
    if let Ok((rest, _)) = kw("to")(i) {
        return cut(expect(
            "a verb (`inspect`, `read`, `use`, `manage`) or a permission list `{…}`",
            alt((verb_and_type, permission_list)),
        ))
        .parse(rest);
    }
    expect("`to`", permission_list).parse(i)
}

fn verb(i: In) -> Res<(Verb, Span)> {
    let verbs = [("inspect", Verb::Inspect), ("read", Verb::Read), ("use", Verb::Use), ("manage", Verb::Manage)];
    for (word, verb) in verbs {
        if let Ok((rest, span)) = kw(word)(i) {
            return Ok((rest, (verb, span)));
        }
    }
    Err(nom::Err::Error(Error::at(ws(i).location_offset())))
}

/// `verb , resource_type`, with one verb and one type per statement.
fn verb_and_type(i: In) -> Res<Action> {
    let (i, (verb, verb_span)) = verb(i)?;
    if char_tok(',', "")(i).is_ok() {
        return Err(fatal(&ws(i), "one verb per statement", "write a statement for each verb"));
    }
    let (i, resource) = resource_type(i)?;
    Ok((i, Action::Verb { verb, verb_span, resource }))
}

/// `resource_type = "all-resources" | word`
fn resource_type(i: In) -> Res<Token> {
    let start = ws(i);
    let (rest, resource) = match word(start) {
        Ok((rest, w)) if !w.eq_ignore_case("in") => (rest, w),
        _ => return Err(nom::Err::Failure(Error::expected(start.location_offset(), "a resource type"))),
    };
    if char_tok(',', "")(rest).is_ok() {
        return Err(fatal(
            &ws(rest),
            "one resource type per statement",
            "write a statement for each resource type, or use a family such as `object-family`",
        ));
    }
    Ok((rest, resource))
}

/// `permission_list = "{" , permission , { "," , permission } , "}"`
fn permission_list(i: In) -> Res<Action> {
    let start = ws(i);
    let (rest, _) = char_tok('{', "`{`")(start)?;
    let (rest, permissions) = cut(comma_list(expect("a permission such as `BUCKET_READ`", permission))).parse(rest)?;
    let (rest, _) = cut(char_tok('}', "`,` or `}`")).parse(rest)?;
    Ok((rest, Action::Permissions { list_span: span(&start, &rest), permissions }))
}

/// `permission = ( letter | "_" ) , { letter | digit | "_" }`
fn permission(i: In) -> Res<Token> {
    let i = ws(i);
    let frag = *i.fragment();
    if !frag.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return Err(nom::Err::Error(Error::at(i.location_offset())));
    }
    let len = frag.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(frag.len());
    let (rest, _) = i.take_split(len);
    Ok((rest, token(&i, &rest)))
}

// ---------- locations ----------

/// `location = "tenancy" | "compartment" "id" ocid | "compartment" compartment_path`
fn location(i: In) -> Res<Location> {
    let start = ws(i);
    if let Ok((rest, s)) = kw("tenancy")(start) {
        return Ok((rest, Location::Tenancy(s)));
    }
    if let Ok((rest, _)) = kw("compartment")(start) {
        return cut(|x| compartment_location(start, x)).parse(rest);
    }
    if kw("region")(start).is_ok() {
        return Err(fatal(
            &start,
            "a region is not a location",
            "write `in tenancy` (or a compartment) and add `where request.region = '<region key>'`",
        ));
    }
    Err(nom::Err::Failure(Error::expected(start.location_offset(), "`tenancy` or `compartment`")))
}

fn compartment_location<'a>(start: In<'a>, i: In<'a>) -> Res<'a, Location<'a>> {
    if let Ok((rest, _)) = kw("id")(i) {
        let (rest, ocid) = ocid(rest)?;
        return Ok((rest, Location::CompartmentId { span: span(&start, &rest), ocid }));
    }
    let at = ws(i);
    if starts_with_ignore_case(at.fragment(), "ocid1.") {
        return Err(fatal(&at, "a compartment OCID needs `id`", "write `compartment id ocid1…`"));
    }
    let (rest, path) = compartment_path(i)?;
    Ok((rest, Location::CompartmentPath { span: span(&start, &rest), path }))
}

/// `compartment_path = name , { ":" , name }`
fn compartment_path(i: In) -> Res<Vec<Token>> {
    let (mut i, first) = expect("a compartment name or `id`", name).parse(i)?;
    let mut path = vec![first];
    while let Ok((rest, _)) = char_tok(':', "`:`")(i) {
        let (rest, next) = cut(name).parse(rest)?;
        path.push(next);
        i = rest;
    }
    Ok((i, path))
}

// ---------- conditions ----------

/// `where_clause = "where" , cond_expr`
fn where_clause(i: In) -> Res<Option<Condition>> {
    match kw("where")(i) {
        Ok((rest, _)) => cut(cond_expr).map(Some).parse(rest),
        Err(_) => Ok((i, None)),
    }
}

/// Far deeper than any real condition; the bound keeps hostile input from exhausting the stack.
const MAX_CONDITION_DEPTH: usize = 32;

/// `cond_expr = condition | ( "all" | "any" ) "{" cond_expr { "," cond_expr } "}"`
fn cond_expr(i: In) -> Res<Condition> {
    nested_cond_expr(i, 0)
}

fn nested_cond_expr(i: In, depth: usize) -> Res<Condition> {
    let start = ws(i);
    for (keyword, all) in [("all", true), ("any", false)] {
        if let Ok((rest, _)) = kw(keyword)(start)
            && let Ok((rest, _)) = char_tok('{', "`{`")(rest)
        {
            if depth >= MAX_CONDITION_DEPTH {
                return Err(fatal(&start, "conditions are nested too deeply", "flatten the `all`/`any` groups"));
            }
            let (rest, items) = cut(comma_list(|x| nested_cond_expr(x, depth + 1))).parse(rest)?;
            let (rest, _) = cut(close_group).parse(rest)?;
            return Ok((rest, Condition::Group { all, span: span(&start, &rest), items }));
        }
    }
    condition(start)
}

fn close_group(i: In) -> Res<Span> {
    let at = ws(i);
    if kw("and")(at).is_ok() || kw("or")(at).is_ok() {
        return Err(fatal(
            &at,
            "conditions have no infix `and`/`or`",
            "separate the conditions of `all {…}` or `any {…}` with commas",
        ));
    }
    char_tok('}', "`,` or `}`")(at)
}

/// `condition = function_call | variable op value | variable ["not"] "in" (…) | … | ["!"|"not"] variable`
fn condition(i: In) -> Res<Condition> {
    let start = ws(i);
    if let Some(call) = function_call(start) {
        return call;
    }
    let (after_neg, negated) = match char_tok('!', "")(start) {
        Ok((rest, _)) => (rest, true),
        Err(_) => match kw("not")(start) {
            Ok((rest, _)) => (rest, true),
            Err(_) => (start, false),
        },
    };
    let (rest, variable) = expect("a condition such as `request.region = 'iad'`", variable).parse(after_neg)?;
    if negated {
        return Ok((rest, Condition::Presence { span: span(&start, &rest), negated, variable }));
    }
    let (rest, op) = match operator(rest) {
        Ok(ok) => ok,
        Err(nom::Err::Error(e)) => {
            let at = ws(rest);
            // A bare variable is a presence test when nothing follows it.
            if at.fragment().is_empty() || at.fragment().starts_with([',', '}']) {
                return Ok((at, Condition::Presence { span: span(&start, &rest), negated, variable }));
            }
            return Err(nom::Err::Failure(e));
        }
        Err(e) => return Err(e),
    };
    let (rest, values) = cut(|x| operands(op, x)).parse(rest)?;
    Ok((rest, Condition::Compare { span: span(&start, &rest), variable, op, values }))
}

/// The condition functions Oracle documents; see `function_call` in the grammar.
const CONDITION_FUNCTIONS: [&str; 1] = ["sets-intersect"];

/// `function_call = function_name , "(" , operand , "," , operand , ")"`; `None` when the
/// condition does not start with a name followed by `(`.
fn function_call(start: In) -> Option<Res<Condition>> {
    let (rest, name) = word(start).ok()?;
    if name.text.contains('.') || !ws(rest).fragment().starts_with('(') {
        return None;
    }
    if !CONDITION_FUNCTIONS.iter().any(|f| name.eq_ignore_case(f)) {
        return Some(Err(fatal(
            &start,
            "unknown condition function",
            "OCI's condition function is `sets-intersect(<set>, <set>)`; other conditions are `variable = 'value'`",
        )));
    }
    Some(
        cut(function_args)
            .parse(rest)
            .map(|(rest, args)| (rest, Condition::Function { span: span(&start, &rest), name, args })),
    )
}

fn function_args(i: In) -> Res<[Operand; 2]> {
    let (i, _) = char_tok('(', "`(`")(i)?;
    let (i, first) = operand(i)?;
    let (i, _) = char_tok(',', "`,`")(i)?;
    let (i, second) = operand(i)?;
    let (i, _) = char_tok(')', "`)`")(i)?;
    Ok((i, [first, second]))
}

/// `operand = variable | "(" , value , { "," , value } , ")"`
fn operand(i: In) -> Res<Operand> {
    let at = ws(i);
    if let Ok((rest, _)) = char_tok('(', "`(`")(at) {
        let (rest, values) = comma_list(value).parse(rest)?;
        let (rest, _) = char_tok(')', "`,` or `)`")(rest)?;
        return Ok((rest, Operand::Set(values)));
    }
    expect("a variable or a list of values `('a', 'b')`", variable).map(Operand::Variable).parse(at)
}

/// `variable = var_part , { "." , var_part }`: a dotted name such as `target.bucket.name`.
fn variable(i: In) -> Res<Token> {
    let (rest, w) = word(i)?;
    if w.text.contains('.') && !w.text.ends_with('.') {
        Ok((rest, w))
    } else {
        Err(nom::Err::Error(Error::at(ws(i).location_offset())))
    }
}

fn operator(i: In) -> Res<Operator> {
    let at = ws(i);
    let frag = *at.fragment();
    if frag.starts_with("!=") {
        return Ok((at.take_from(2), Operator::NotEq));
    }
    if frag.starts_with('=') {
        return Ok((at.take_from(1), Operator::Eq));
    }
    if let Ok((rest, _)) = (kw("not"), kw("in")).parse(at) {
        return Ok((rest, Operator::NotIn));
    }
    for (word, op) in
        [("in", Operator::In), ("before", Operator::Before), ("after", Operator::After), ("between", Operator::Between)]
    {
        if let Ok((rest, _)) = kw(word)(at) {
            return Ok((rest, op));
        }
    }
    Err(nom::Err::Error(Error::expected(
        at.location_offset(),
        "an operator (`=`, `!=`, `in`, `not in`, `before`, `after` or `between`)",
    )))
}

fn operands(op: Operator, i: In) -> Res<Vec<Value>> {
    match op {
        Operator::Eq | Operator::NotEq => value.map(|v| vec![v]).parse(i),
        Operator::In | Operator::NotIn => {
            let (i, _) = char_tok('(', "`(`")(i)?;
            let (i, values) = comma_list(value).parse(i)?;
            let (i, _) = char_tok(')', "`,` or `)`")(i)?;
            Ok((i, values))
        }
        Operator::Before | Operator::After => string.map(|s| vec![Value::String(s)]).parse(i),
        Operator::Between => {
            let (i, from) = string(i)?;
            let (i, _) = kw("and")(i)?;
            let (i, to) = string(i)?;
            Ok((i, vec![Value::String(from), Value::String(to)]))
        }
    }
}

/// `value = string | pattern | variable`. An unquoted word that is not a request or target
/// variable is the classic mistake OCI rejects with "Invalid right-hand side in condition".
fn value(i: In) -> Res<Value> {
    let at = ws(i);
    reject_bad_quotes(&at)?;
    let frag = *at.fragment();
    if frag.starts_with('\'') {
        return string(at).map(|(rest, s)| (rest, Value::String(s)));
    }
    if let Some(body) = frag.strip_prefix('/') {
        return match body.find(['/', '\n']) {
            Some(n) if frag.as_bytes().get(1 + n) == Some(&b'/') => {
                let (inner, _) = at.take_split(1);
                let (close, _) = inner.take_split(n);
                Ok((close.take_from(1), Value::Pattern(token(&inner, &close))))
            }
            _ => Err(fatal(&at, "unterminated pattern", "close the pattern with `/`")),
        };
    }
    match word(at) {
        Ok((rest, w)) if is_variable_reference(w.text) => Ok((rest, Value::Variable(w))),
        Ok(_) => Err(fatal(
            &at,
            "an unquoted value is read as a variable, and this is not one",
            "quote literal values: 'value'",
        )),
        Err(_) => Err(nom::Err::Failure(Error::expected(
            at.location_offset(),
            "a value (`'string'`, `/pattern/` or a variable)",
        ))),
    }
}

fn is_variable_reference(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (lower.starts_with("request.") || lower.starts_with("target.")) && !lower.ends_with('.')
}

// ---------- cross-tenancy ----------

/// `define_stmt = "define" ( "tenancy" | "group" | "dynamic-group" | "compartment" ) alias "as" ocid`
fn define_body(i: In) -> Res<Define> {
    let kinds = [
        ("tenancy", DefineKind::Tenancy),
        ("group", DefineKind::Group),
        ("dynamic-group", DefineKind::DynamicGroup),
        ("compartment", DefineKind::Compartment),
    ];
    let mut found = None;
    for (word, kind) in kinds {
        if let Ok((rest, _)) = kw(word)(i) {
            found = Some((rest, kind));
            break;
        }
    }
    let Some((i, kind)) = found else {
        return Err(nom::Err::Error(Error::expected(
            ws(i).location_offset(),
            "`tenancy`, `group`, `dynamic-group` or `compartment`",
        )));
    };
    let (i, alias) = expect("an alias", word).parse(i)?;
    let (i, _) = kw("as")(i)?;
    let (i, ocid) = ocid(i)?;
    Ok((i, Define { kind, alias, ocid }))
}

/// `endorse_body = subject xt_action "in" endorse_scope [ "with" resource_type "in" endorse_scope ] [ where_clause ]`
fn endorse_body(i: In) -> Res<CrossGrant> {
    let (i, subject) = subject(i)?;
    cross_grant_tail(subject, None, i, true)
}

/// `admit_body = subject [ "of" ( "tenancy" alias | "any-tenancy" ) ] xt_action "in" admit_scope …`
fn admit_body(i: In) -> Res<CrossGrant> {
    let subject_start = ws(i);
    let (i, subject) = subject(subject_start)?;
    let (i, of) = match kw("of")(i) {
        Ok((rest, of_span)) => {
            let (rest, tenancy) = cut(|x| tenancy_ref(of_span, x)).parse(rest)?;
            (rest, Some(tenancy))
        }
        Err(_) => (i, None),
    };
    let any_tenancy = matches!(of, Some(TenancyRef { alias: None, .. }));
    if any_tenancy && !matches!(subject.kind, SubjectKind::AnyUser | SubjectKind::AnyGroup) {
        return Err(fatal(
            &subject_start,
            "`of any-tenancy` is only valid for `any-user` or `any-group`",
            "name the foreign tenancy: `of tenancy <alias>`",
        ));
    }
    cross_grant_tail(subject, of, i, false)
}

fn tenancy_ref<'a>(of_span: Span, i: In<'a>) -> Res<'a, TenancyRef<'a>> {
    if let Ok((rest, s)) = kw("any-tenancy")(i) {
        return Ok((rest, TenancyRef { span: of_span.cover(s), alias: None }));
    }
    let (rest, _) = kw("tenancy")(i).map_err(|e| {
        e.map(|e| {
            let offset = e.offset;
            e.or(Error::expected(offset, "`any-tenancy`"))
        })
    })?;
    let (rest, alias) = expect("a tenancy alias", word).parse(rest)?;
    Ok((rest, TenancyRef { span: of_span.cover(alias.span), alias: Some(alias) }))
}

fn cross_grant_tail<'a>(
    subject: Subject<'a>,
    of: Option<TenancyRef<'a>>,
    i: In<'a>,
    endorse: bool,
) -> Res<'a, CrossGrant<'a>> {
    let scope: for<'b> fn(In<'b>) -> Res<'b, Scope<'b>> = if endorse { endorse_scope } else { admit_scope };
    let (i, action) = xt_action(i).map_err(|e| glued_to(&subject, i).unwrap_or(e))?;
    let (i, _) = kw("in")(i)?;
    let scope_start = ws(i);
    let (i, first_scope) = scope(i)?;
    if endorse && matches!(first_scope, Scope::Location(_)) && !matches!(action, XtAction::Associate { .. }) {
        return Err(fatal(
            &scope_start,
            "an Endorse names the tenancy it reaches",
            "write `in tenancy <alias>`, `in any-tenancy` or `in compartment <name> of tenancy <alias>`",
        ));
    }
    let (i, action, with_scope) = match (action, kw("with")(i)) {
        (XtAction::Associate { verb_span, resource }, Ok((rest, _))) => {
            let (rest, with) = cut(resource_type).parse(rest)?;
            let (rest, _) = cut(kw("in")).parse(rest)?;
            let (rest, with_scope) = cut(scope).parse(rest)?;
            (rest, Action::Associate { verb_span, resource, with }, Some(with_scope))
        }
        (XtAction::Associate { .. }, Err(_)) => {
            return Err(fatal(
                &ws(i),
                "`associate` needs a `with <resource-type> in <scope>` clause",
                "write `… to associate A in <scope> with B in <scope>`",
            ));
        }
        (XtAction::Plain(_), Ok(_)) => {
            return Err(fatal(
                &ws(i),
                "a `with` clause belongs only to `associate` statements",
                "remove the `with …` clause or use `to associate`",
            ));
        }
        (XtAction::Plain(action), Err(_)) => (i, action, None),
    };
    let (i, condition) = where_clause(i)?;
    Ok((i, CrossGrant { subject, of, action, scope: first_scope, with_scope, condition }))
}

enum XtAction<'a> {
    Plain(Action<'a>),
    Associate { verb_span: Span, resource: Token<'a> },
}

/// `xt_action = "to" ( verb | "associate" ) resource_type | [ "to" ] permission_list`
fn xt_action(i: In) -> Res<XtAction> {
    if let Ok((rest, _)) = kw("to")(i) {
        if let Ok((rest, verb_span)) = kw("associate")(rest) {
            let (rest, resource) = cut(resource_type).parse(rest)?;
            return Ok((rest, XtAction::Associate { verb_span, resource }));
        }
        return cut(expect(
            "a verb (`inspect`, `read`, `use`, `manage`, `associate`) or a permission list `{…}`",
            alt((verb_and_type, permission_list)),
        ))
        .map(XtAction::Plain)
        .parse(rest);
    }
    expect("`to`", permission_list).map(XtAction::Plain).parse(i)
}

/// `endorse_scope = "any-tenancy" | "tenancy" [alias] | "compartment" path ["of" "tenancy" alias] | location`
///
/// A scope without a tenancy alias is local; only an `associate` statement's first scope may be.
fn endorse_scope(i: In) -> Res<Scope> {
    let start = ws(i);
    if let Ok((rest, s)) = kw("any-tenancy")(start) {
        return Ok((rest, Scope::AnyTenancy(s)));
    }
    if let Ok((rest, s)) = kw("tenancy")(start) {
        return match alias_word(rest) {
            Some((after, alias)) => Ok((after, Scope::Tenancy { span: span(&start, &after), alias })),
            None => Ok((rest, Scope::Location(Location::Tenancy(s)))),
        };
    }
    let (rest, location) = location(start)?;
    if let Location::CompartmentPath { path, .. } = &location
        && let Ok((rest, _)) = kw("of")(rest)
    {
        let (rest, _) = cut(kw("tenancy")).parse(rest)?;
        let (rest, alias) = cut(expect("a tenancy alias", word)).parse(rest)?;
        return Ok((rest, Scope::CompartmentOf { span: span(&start, &rest), path: path.clone(), alias }));
    }
    Ok((rest, Scope::Location(location)))
}

/// A tenancy alias after `tenancy`, which is never the `with` or `where` that may follow.
fn alias_word(i: In) -> Option<(In, Token)> {
    match word(i) {
        Ok((after, alias)) if !alias.eq_ignore_case("where") && !alias.eq_ignore_case("with") => Some((after, alias)),
        _ => None,
    }
}

/// `admit_scope = "tenancy" alias | location`
fn admit_scope(i: In) -> Res<Scope> {
    let start = ws(i);
    if let Ok((rest, _)) = kw("tenancy")(start)
        && let Some((after, alias)) = alias_word(rest)
    {
        return Ok((after, Scope::Tenancy { span: span(&start, &after), alias }));
    }
    location(start).map(|(rest, l)| (rest, Scope::Location(l)))
}

#[cfg(test)]
mod tests;
