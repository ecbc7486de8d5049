//! What a policy in a template evaluates to, and the JSON the AWS reader is given for it.
//!
//! CloudFormation YAML, HCL objects, `jsonencode(…)` and `aws_iam_policy_document` blocks all
//! become a [`Value`]; [`json_variants`] writes it as compact JSON whose every byte maps back to
//! the template byte it came from, so the AWS pipeline lints it unchanged and its findings land
//! in the template.

use super::JsonText;
use super::text::Text;
use crate::source::LineIndex;
use crate::span::SpanMap;

/// An evaluated template value. Strings keep their source positions.
#[derive(Clone, Debug)]
pub enum Value {
    Str(Text),
    /// A value grantlint could not work out, spelled as a placeholder (`${ExternalId}`): rules
    /// see a string that matches nothing they expect.
    Unknown(Text),
    /// A number, boolean or null, spelled as JSON spells it.
    Literal(Text),
    /// Items, and where the list starts in the template.
    List(Vec<Value>, usize),
    /// Entries in template order, and where the map starts.
    Map(Vec<(Text, Value)>, usize),
    /// `Fn::If` or a Terraform conditional: each branch is linted.
    If(Box<Choice>),
    /// `AWS::NoValue` or `null`: the entry or item is left out.
    Absent,
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub then: Value,
    pub otherwise: Value,
}

impl Value {
    /// The text of a string, known or not.
    pub fn text(&self) -> Option<&Text> {
        match self {
            Value::Str(text) | Value::Unknown(text) | Value::Literal(text) => Some(text),
            _ => None,
        }
    }

    /// Where the first string inside starts and the last ends, for a value without a text of its own.
    pub fn text_span(&self) -> Option<crate::span::Span> {
        let mut spans: Vec<crate::span::Span> = Vec::new();
        self.each_text(&mut |text| spans.push(text.span()));
        let start = spans.iter().map(|s| s.start).min()?;
        let end = spans.iter().map(|s| s.end).max()?;
        Some(crate::span::Span::new(start, end.max(start)))
    }

    fn each_text(&self, found: &mut impl FnMut(&Text)) {
        match self {
            Value::Str(text) | Value::Unknown(text) | Value::Literal(text) => found(text),
            Value::List(items, _) => items.iter().for_each(|item| item.each_text(found)),
            Value::Map(entries, _) => entries.iter().for_each(|(_, item)| item.each_text(found)),
            Value::If(choice) => {
                choice.then.each_text(found);
                choice.otherwise.each_text(found);
            }
            Value::Absent => {}
        }
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries, _) => entries.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Points every string inside at `span`.
    pub fn anchor(&mut self, span: crate::span::Span) {
        match self {
            Value::Str(text) | Value::Unknown(text) | Value::Literal(text) => text.anchor(span),
            Value::List(items, at) => {
                *at = span.start;
                items.iter_mut().for_each(|item| item.anchor(span));
            }
            Value::Map(entries, at) => {
                *at = span.start;
                for (key, value) in entries {
                    key.anchor(span);
                    value.anchor(span);
                }
            }
            Value::If(choice) => {
                choice.then.anchor(span);
                choice.otherwise.anchor(span);
            }
            Value::Absent => {}
        }
    }

    /// Every value this one can take, with each condition inside decided both ways: an `If`
    /// yields both branches' values, and an `If` nested inside a list or map multiplies.
    /// At most `limit`; the flag says whether some were left out.
    pub fn alternatives(&self, limit: usize) -> (Vec<Value>, bool) {
        enumerate(limit, |chooser| self.decide(chooser))
    }

    /// This value with every condition decided by `chooser`.
    fn decide(&self, chooser: &mut Chooser) -> Value {
        match self {
            Value::If(choice) => {
                if chooser.pick() {
                    choice.then.decide(chooser)
                } else {
                    choice.otherwise.decide(chooser)
                }
            }
            Value::List(items, at) => Value::List(
                items.iter().map(|item| item.decide(chooser)).filter(|v| !matches!(v, Value::Absent)).collect(),
                *at,
            ),
            Value::Map(entries, at) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.decide(chooser)))
                    .filter(|(_, v)| !matches!(v, Value::Absent))
                    .collect(),
                *at,
            ),
            other => other.clone(),
        }
    }
}

/// Conditions in one string beyond which [`concat`] stops writing out every combination.
const MAX_CONCAT_CHOICES: usize = 8;

/// The string that `parts` make, one after the other: a condition in a part makes a condition
/// over the whole string (`arn:aws:iam::${If [Custom, A, B]}:root` is `If [Custom,
/// arn:aws:iam::A:root, arn:aws:iam::B:root]`), so each branch is judged as a whole value.
/// `None` when a part is a list or map, or there are too many conditions.
pub fn concat(parts: &[Value]) -> Option<Value> {
    let choices = parts.iter().filter(|p| matches!(p, Value::If(_))).count();
    if choices > MAX_CONCAT_CHOICES {
        return None;
    }
    if let Some((i, Value::If(choice))) = parts.iter().enumerate().find(|(_, p)| matches!(p, Value::If(_))) {
        let with = |branch: &Value| -> Option<Value> {
            let mut decided = parts.to_vec();
            if let Some(slot) = decided.get_mut(i) {
                *slot = branch.clone();
            }
            concat(&decided)
        };
        return Some(Value::If(Box::new(Choice { then: with(&choice.then)?, otherwise: with(&choice.otherwise)? })));
    }
    let mut written = parts.iter().filter(|p| match p {
        Value::Absent => false,
        Value::Str(text) => !text.is_empty(),
        _ => true,
    });
    if let (Some(only @ Value::Unknown(_)), None) = (written.next(), written.next()) {
        return Some(only.clone());
    }
    // A string with a placeholder inside is a string: the rules see the placeholder's text.
    let mut out = Text::default();
    for part in parts {
        match part {
            Value::Str(text) | Value::Literal(text) | Value::Unknown(text) => out.push(text),
            Value::Absent => {}
            _ => return None,
        }
    }
    Some(Value::Str(out))
}

/// Decides conditions in the order they are met: from a given prefix of choices, then `then`.
struct Chooser {
    choices: Vec<bool>,
    used: usize,
}

impl Chooser {
    fn pick(&mut self) -> bool {
        let i = self.used;
        self.used += 1;
        match self.choices.get(i) {
            Some(&choice) => choice,
            None => {
                self.choices.push(true);
                true
            }
        }
    }
}

/// Runs `run` once per combination of the conditions it meets, depth first, up to `limit`
/// results. Each run takes `then` for the conditions past its prefix; the `otherwise` of each of
/// those is queued, so every reachable combination runs exactly once.
fn enumerate<T>(limit: usize, mut run: impl FnMut(&mut Chooser) -> T) -> (Vec<T>, bool) {
    let mut out = Vec::new();
    let mut queue = vec![Vec::new()];
    while let Some(prefix) = queue.pop() {
        if out.len() >= limit {
            return (out, true);
        }
        let fixed = prefix.len();
        let mut chooser = Chooser { choices: prefix, used: 0 };
        out.push(run(&mut chooser));
        for i in (fixed..chooser.choices.len()).rev() {
            let mut alternative: Vec<bool> = chooser.choices.iter().take(i).copied().collect();
            alternative.push(false);
            queue.push(alternative);
        }
    }
    (out, false)
}

/// The JSON texts of a policy document, one per combination of the conditions inside it (at
/// most `limit`), and whether some combinations were left out. A document that is a string is
/// taken as JSON text; a map is written as JSON.
pub fn json_variants(document: &Value, lines: &LineIndex, limit: usize) -> (Vec<JsonText>, bool) {
    let (values, truncated) = document.alternatives(limit);
    let mut texts: Vec<JsonText> = Vec::with_capacity(values.len());
    for value in values {
        let text = match &value {
            Value::Str(text) => json_text(text, lines),
            Value::Absent | Value::Unknown(_) => continue,
            other => {
                let mut writer = Writer { out: String::new(), starts: Vec::new(), line: 1, lines };
                writer.value(other);
                let end = writer.starts.iter().max().map_or(0, |&s| s + 1);
                JsonText { text: writer.out, map: SpanMap::Table { starts: writer.starts, end } }
            }
        };
        if !texts.iter().any(|t| t.text == text.text) {
            texts.push(text);
        }
    }
    (texts, truncated)
}

/// A policy written as JSON text in the template (a heredoc, a YAML block scalar). Blank lines
/// before it put each of its lines on its template line, so the AWS reader's "first on line N"
/// messages name template lines.
fn json_text(text: &Text, lines: &LineIndex) -> JsonText {
    let padding = lines.line(text.start()).saturating_sub(1);
    let mut out = "\n".repeat(padding);
    out.push_str(text.as_str());
    let map = match text.map() {
        // Verbatim JSON (a heredoc without interpolation): a shift, as for a policy file. Each
        // line before it holds at least its line break, so the shift stays in the template.
        SpanMap::Offset(start) if start >= padding => SpanMap::Offset(start - padding),
        _ => {
            let mut starts = vec![text.start(); padding];
            starts.extend_from_slice(text.starts());
            SpanMap::Table { starts, end: text.end() }
        }
    };
    JsonText { text: out, map }
}

/// Compact JSON with a source offset per byte. Line breaks between tokens keep each token on its
/// template line where the template's order allows.
struct Writer<'l> {
    out: String,
    starts: Vec<usize>,
    line: usize,
    lines: &'l LineIndex,
}

impl Writer<'_> {
    fn token(&mut self, at: usize) {
        let line = self.lines.line(at);
        while self.line < line {
            self.raw("\n", at);
            self.line += 1;
        }
    }

    fn raw(&mut self, s: &str, at: usize) {
        self.out.push_str(s);
        self.starts.extend(std::iter::repeat_n(at, s.len()));
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Str(text) | Value::Unknown(text) => self.string(text),
            Value::Literal(text) => {
                self.token(text.start());
                self.out.push_str(text.as_str());
                self.starts.extend_from_slice(text.starts());
            }
            Value::List(items, at) => {
                self.token(*at);
                self.raw("[", *at);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(",", *at);
                    }
                    self.value(item);
                }
                self.raw("]", *at);
            }
            Value::Map(entries, at) => {
                self.token(*at);
                self.raw("{", *at);
                for (i, (key, item)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.raw(",", *at);
                    }
                    self.string(key);
                    self.raw(":", key.end());
                    self.value(item);
                }
                self.raw("}", *at);
            }
            // `decide` removes both before writing; the writer stays total without a panic.
            Value::If(_) | Value::Absent => {
                let at = self.starts.last().copied().unwrap_or_default();
                self.raw("null", at);
            }
        }
    }

    /// A JSON string: quotes at the text's ends, escapes mapped to the character they stand for.
    fn string(&mut self, text: &Text) {
        self.token(text.start());
        self.raw("\"", text.start());
        let starts = text.starts();
        for (i, c) in text.as_str().char_indices() {
            let at = starts.get(i).copied().unwrap_or(text.end());
            match c {
                '"' => self.raw("\\\"", at),
                '\\' => self.raw("\\\\", at),
                '\n' => self.raw("\\n", at),
                '\r' => self.raw("\\r", at),
                '\t' => self.raw("\\t", at),
                c if (c as u32) < 0x20 => self.raw(&format!("\\u{:04x}", c as u32), at),
                c => {
                    let mut buf = [0; 4];
                    self.out.push_str(c.encode_utf8(&mut buf));
                    self.starts.extend((0..c.len_utf8()).map(|k| starts.get(i + k).copied().unwrap_or(at)));
                }
            }
        }
        self.raw("\"", text.end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn s(value: &str, at: usize) -> Value {
        Value::Str(Text::verbatim(value, at))
    }

    fn choice(then: Value, otherwise: Value) -> Value {
        Value::If(Box::new(Choice { then, otherwise }))
    }

    #[test]
    fn writes_json_that_maps_back() {
        let source = "Effect: Allow\nAction: [s3:GetObject]\n";
        let doc = Value::Map(
            vec![
                (Text::verbatim("Effect", 0), s("Allow", 8)),
                (Text::verbatim("Action", 14), Value::List(vec![s("s3:GetObject", 23)], 22)),
            ],
            0,
        );
        let lines = LineIndex::new(source);
        let (texts, truncated) = json_variants(&doc, &lines, 8);
        assert!(!truncated);
        let json = &texts[0];
        assert_eq!(json.text, "{\"Effect\":\"Allow\",\n\"Action\":[\"s3:GetObject\"]}");
        let at = json.text.find("s3:").unwrap();
        assert_eq!(json.map.map(at, at + 12), Span::new(23, 35));
        let allow = json.text.find("Allow").unwrap();
        assert_eq!(json.map.map(allow, allow + 5), Span::new(8, 13));
    }

    #[test]
    fn escapes_point_at_their_character() {
        let doc = Value::Map(vec![(Text::verbatim("k", 0), s("a\"b", 3))], 0);
        let (texts, _) = json_variants(&doc, &LineIndex::new("k: a\"b"), 8);
        assert_eq!(texts[0].text, r#"{"k":"a\"b"}"#);
        // the escaped quote maps to the source quote
        assert_eq!(texts[0].map.map(7, 9), Span::new(4, 5));
    }

    #[test]
    fn conditions_yield_every_combination() {
        let doc = Value::Map(
            vec![
                (Text::verbatim("a", 0), choice(s("x", 1), s("y", 2))),
                (Text::verbatim("b", 3), choice(s("z", 4), Value::Absent)),
            ],
            0,
        );
        let lines = LineIndex::new("");
        let (texts, truncated) = json_variants(&doc, &lines, 8);
        let mut all: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
        all.sort();
        assert_eq!(all, [r#"{"a":"x","b":"z"}"#, r#"{"a":"x"}"#, r#"{"a":"y","b":"z"}"#, r#"{"a":"y"}"#]);
        assert!(!truncated);
        let (texts, truncated) = json_variants(&doc, &lines, 3);
        assert_eq!((texts.len(), truncated), (3, true));
    }

    #[test]
    fn nested_conditions_are_bounded() {
        let mut deep = s("leaf", 0);
        for _ in 0..10 {
            deep = choice(deep.clone(), deep);
        }
        let (values, truncated) = deep.alternatives(16);
        assert_eq!((values.len(), truncated), (16, true));
    }

    #[test]
    fn json_text_keeps_template_lines() {
        let source = "a\nb\n  {\"x\": 1}";
        let text = Text::verbatim("{\"x\": 1}", 6);
        let json = json_text(&text, &LineIndex::new(source));
        assert_eq!(json.text, "\n\n{\"x\": 1}");
        assert!(matches!(json.map, SpanMap::Offset(4)));
        assert_eq!(json.map.map(3, 6), Span::new(7, 10));
        let mut resolved = Text::verbatim("{\"x\": ", 6);
        resolved.push(&Text::anchored("1", Span::new(20, 26)));
        assert_eq!(json_text(&resolved, &LineIndex::new(source)).map.map(8, 9), Span::new(20, 26));
    }
}
