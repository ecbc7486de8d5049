//! YAML (and JSON, which the same parser reads) as a tree with byte spans: the only module that
//! names the YAML parser crate.
//!
//! The parser reports positions in characters; they are converted to byte offsets here. Aliases
//! are expanded into copies of their anchored node, which keep the anchor's spans: a finding in a
//! policy reached through `*alias` points at the text that holds it.

use super::text::{Escapes, Text};
use crate::span::Span;
use crate::syntax::oci::parser::SyntaxError;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::HashMap;

/// Deeper nesting than any template needs; the limit keeps a hostile file in check.
const MAX_DEPTH: usize = 64;
/// Alias expansion beyond this many nodes is refused ("billion laughs").
const MAX_NODES: usize = 200_000;

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    /// A local tag's name (`Sub` for `!Sub`); other tags are ignored.
    pub tag: Option<String>,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar { text: Text, plain: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A scalar's text.
    pub fn scalar(&self) -> Option<&Text> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        self.scalar().map(Text::as_str)
    }

    /// The value of `key` in a mapping (the first, when a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            NodeKind::Map(entries) => 1 + entries.iter().map(|(k, v)| k.size() + v.size()).sum::<usize>(),
        }
    }
}

/// Character index → byte offset, for the parser's positions (which can point one past the end).
struct Offsets {
    table: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        Offsets { table, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(table) => table.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

enum Frame {
    Seq { start: usize, tag: Option<String>, anchor: usize, items: Vec<Node> },
    Map { start: usize, tag: Option<String>, anchor: usize, entries: Vec<(Node, Node)>, key: Option<Node> },
}

/// Parses the first document of `text`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let offsets = Offsets::new(text);
    let error = |at: usize, message: String| SyntaxError { span: Span::new(at, at), message, help: None };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, span) = event
            .map_err(|e: ScanError| error(offsets.byte(e.marker().index()), format!("invalid YAML: {}", e.info())))?;
        let (start, end) = (offsets.byte(span.start.index()), offsets.byte(span.end.index()));
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let raw = text.get(start..end).unwrap_or("");
                (
                    Node {
                        span: Span::new(start, end),
                        tag: local_tag(tag.as_deref()),
                        kind: scalar(&value, style, raw, start),
                    },
                    anchor,
                )
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                return Err(error(start, format!("nesting deeper than {MAX_DEPTH} levels")));
            }
            Event::SequenceStart(anchor, tag) => {
                stack.push(Frame::Seq { start, tag: local_tag(tag.as_deref()), anchor, items: Vec::new() });
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                let tag = local_tag(tag.as_deref());
                stack.push(Frame::Map { start, tag, anchor, entries: Vec::new(), key: None });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { start, tag, anchor, items }) => {
                    (Node { span: Span::new(start, end.max(start)), tag, kind: NodeKind::Seq(items) }, anchor)
                }
                Some(Frame::Map { start, tag, anchor, entries, .. }) => {
                    (Node { span: Span::new(start, end.max(start)), tag, kind: NodeKind::Map(entries) }, anchor)
                }
                None => return Err(error(start, "invalid YAML: unbalanced collection".into())),
            },
            Event::Alias(id) => {
                let Some(node) = anchors.get(&id) else {
                    return Err(error(start, "invalid YAML: an alias names no anchor".into()));
                };
                nodes += node.size();
                if nodes > MAX_NODES {
                    return Err(error(start, "aliases expand to more than 200,000 nodes".into()));
                }
                (node.clone(), 0)
            }
            Event::DocumentEnd if stack.is_empty() => break,
            _ => continue,
        };
        nodes += 1;
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => return Ok(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Err(error(text.len(), "the file holds no YAML document".into()))
}

fn local_tag(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    tag.filter(|t| t.handle == "!").map(|t| t.suffix.clone())
}

/// A scalar's text aligned with its source, past any tag and anchor written before it.
fn scalar(value: &str, style: ScalarStyle, raw: &str, start: usize) -> NodeKind {
    let mut body = raw;
    while let Some(property) = body.strip_prefix(['!', '&']) {
        let word_end = property.find(char::is_whitespace).unwrap_or(property.len());
        body = property[word_end..].trim_start();
    }
    let mut base = start + (raw.len() - body.len());
    let (inner, escapes) = match style {
        ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
            base += 1;
            let inner = body.get(1..body.len().saturating_sub(1).max(1)).unwrap_or("");
            (inner, if style == ScalarStyle::DoubleQuoted { Escapes::Backslash } else { Escapes::None })
        }
        _ => (body, Escapes::None),
    };
    NodeKind::Scalar { text: Text::aligned(value, inner, base, escapes), plain: style == ScalarStyle::Plain }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(source: &'a str, text: &Text) -> &'a str {
        &source[text.span().range()]
    }

    #[test]
    fn scalars_map_past_tags_and_quotes() {
        let source = "a: !Ref Role\nb: !Sub \"arn:${X}\"\nc: 'it''s'\nd: é-plain\n";
        let root = parse(source).unwrap();
        let a = root.get("a").unwrap();
        assert_eq!((a.tag.as_deref(), slice(source, a.scalar().unwrap())), (Some("Ref"), "Role"));
        let b = root.get("b").unwrap().scalar().unwrap();
        assert_eq!((b.as_str(), slice(source, b)), ("arn:${X}", "arn:${X}"));
        assert_eq!(slice(source, root.get("c").unwrap().scalar().unwrap()), "it''s");
        assert_eq!(slice(source, root.get("d").unwrap().scalar().unwrap()), "é-plain");
    }

    #[test]
    fn aliases_keep_the_anchor_spans() {
        let source = "x: &p\n  Effect: Allow\ny: *p\n";
        let root = parse(source).unwrap();
        let effect = root.get("y").unwrap().get("Effect").unwrap().scalar().unwrap();
        assert_eq!(effect.span(), Span::new(16, 21));
    }

    #[test]
    fn limits_and_errors() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).unwrap_err().message.contains("nesting"));
        let laughs = concat!(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        );
        assert!(parse(laughs).unwrap_err().message.contains("200,000"));
        let bad = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(bad.message.starts_with("invalid YAML"), "{}", bad.message);
        assert!(parse("").is_err());
    }

    #[test]
    fn json_is_yaml() {
        let source = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "n": 12}}}"#;
        let root = parse(source).unwrap();
        let r = root.get("Resources").unwrap().get("R").unwrap();
        let ty = r.get("Type").unwrap().scalar().unwrap();
        assert_eq!(slice(source, ty), "AWS::IAM::Role");
        assert!(matches!(r.get("n").unwrap().kind, NodeKind::Scalar { plain: true, .. }));
    }
}
