//! OCI policies: the statement grammar and the files statements come in.
//!
//! A *policy* is the unit OCI003, OCI004 and OCI011 reason about: a text file holds one, an OCI
//! API `Policy` object holds one, and `oci iam policy list` output holds several.

pub mod ast;
mod document;
pub mod parser;

pub use document::{PolicySource, StatementText, read_json, read_text, sniff_text};

use ast::Statement;
use parser::{SyntaxError, parse_statement};

/// A parsed policy: the statements that parsed, in order, and the errors of those that did not.
pub struct Policy<'s> {
    pub source: &'s PolicySource<'s>,
    pub statements: Vec<ParsedStatement<'s>>,
    pub errors: Vec<SyntaxError>,
}

pub struct ParsedStatement<'s> {
    /// The statement text as OCI sees it.
    pub text: &'s str,
    pub statement: Statement<'s>,
}

impl<'s> Policy<'s> {
    pub fn parse(source: &'s PolicySource<'s>) -> Self {
        let mut statements = Vec::with_capacity(source.statements.len());
        let mut errors = source.errors.clone();
        for text in &source.statements {
            match parse_statement(&text.text, &text.map) {
                Ok(statement) => statements.push(ParsedStatement { text: &text.text, statement }),
                Err(e) => errors.push(e),
            }
        }
        Self { source, statements, errors }
    }

    /// The number of statements OCI would store, parsed or not.
    pub fn statement_count(&self) -> usize {
        self.source.statements.len()
    }
}

/// A statement's text with case and whitespace normalised, for comparing statements.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // One pass over the bytes: much cheaper than lowering char by char, with the same result.
    out.make_ascii_lowercase();
    out
}
