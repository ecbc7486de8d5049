//! The shortest value a CloudFormation parameter's `AllowedPattern` admits.
//!
//! CloudFormation matches `AllowedPattern` against the whole value with Java's regex engine
//! ("AllowedPattern: A regular expression that represents the patterns to allow for String or
//! CommaDelimitedList types", CloudFormation User Guide, Parameters). The patterns templates
//! use are short: literals, escapes (`\w`, `\d`, `\.`), `.`, classes (`[A-Za-z0-9+=,.@:\/-]`),
//! groups (`(…)`, `(?:…)`, `(?<name>…)`), alternation, anchors and the quantifiers
//! `* + ? {n} {n,} {n,m}` (lazy or possessive too). This analysis reads that subset: a
//! character counts one, a quantified atom its minimum count times its length, an alternation
//! its shortest branch, anchors and lookarounds nothing. Anything else (back-references,
//! nested classes, inline flags, `\p{…}`, a malformed pattern) makes the length unknown, never
//! a guess.

/// The fewest characters a value matching `pattern` in full can have, `None` when the pattern
/// is outside the subset read here.
pub fn min_length(pattern: &str) -> Option<usize> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut reader = Reader { chars: &chars, at: 0 };
    let length = reader.alternation()?;
    (reader.at == chars.len()).then_some(length)
}

struct Reader<'a> {
    chars: &'a [char],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// Branches separated by `|`, up to the end or a `)`: the shortest branch.
    fn alternation(&mut self) -> Option<usize> {
        let mut shortest = self.sequence()?;
        while self.peek() == Some('|') {
            self.at += 1;
            shortest = shortest.min(self.sequence()?);
        }
        Some(shortest)
    }

    /// Quantified atoms one after the other: the sum of their minimums.
    fn sequence(&mut self) -> Option<usize> {
        let mut total: usize = 0;
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let times = self.quantifier()?;
            total = total.saturating_add(atom.saturating_mul(times));
        }
        Some(total)
    }

    /// The fewest characters one atom matches.
    fn atom(&mut self) -> Option<usize> {
        match self.next()? {
            '^' | '$' => Some(0),
            '.' => Some(1),
            '[' => self.class(),
            '(' => self.group(),
            '\\' => self.escape(false),
            // A quantifier with nothing to repeat: Java rejects the pattern.
            '*' | '+' | '?' | '{' => None,
            _ => Some(1),
        }
    }

    /// After `\`: one character, or nothing for a boundary. Outside a class `\b` is a boundary.
    fn escape(&mut self, in_class: bool) -> Option<usize> {
        let c = self.next()?;
        match c {
            'b' | 'B' | 'A' | 'z' | 'Z' | 'G' if !in_class => Some(0),
            'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'h' | 'H' | 'v' | 'V' | 't' | 'n' | 'r' | 'f' | 'e' | 'a' => Some(1),
            'x' => self.hex(2),
            'u' => self.hex(4),
            '0' => {
                while self.peek().is_some_and(|d| d.is_digit(8)) {
                    self.at += 1;
                }
                Some(1)
            }
            // Any other letter or digit is a back-reference, a property or a quoting construct.
            c if c.is_ascii_alphanumeric() => None,
            _ => Some(1),
        }
    }

    fn hex(&mut self, digits: usize) -> Option<usize> {
        for _ in 0..digits {
            self.next().filter(char::is_ascii_hexdigit)?;
        }
        Some(1)
    }

    /// After `[`: a class matches one character. A `]` first is a literal; a nested class or an
    /// intersection (`&&`) is outside the subset.
    fn class(&mut self) -> Option<usize> {
        if self.peek() == Some('^') {
            self.at += 1;
        }
        let mut first = true;
        loop {
            match self.next()? {
                ']' if !first => return Some(1),
                '[' => return None,
                '&' if self.peek() == Some('&') => return None,
                '\\' => {
                    self.escape(true)?;
                }
                _ => {}
            }
            first = false;
        }
    }

    /// After `(`: a capturing, non-capturing or named group, or a lookaround (zero width).
    fn group(&mut self) -> Option<usize> {
        let mut zero_width = false;
        if self.peek() == Some('?') {
            self.at += 1;
            match self.next()? {
                ':' => {}
                '=' | '!' => zero_width = true,
                '<' => match self.peek()? {
                    '=' | '!' => {
                        self.at += 1;
                        zero_width = true;
                    }
                    _ => while self.next()? != '>' {},
                },
                // Inline flags, atomic groups: outside the subset.
                _ => return None,
            }
        }
        let length = self.alternation()?;
        (self.next()? == ')').then_some(if zero_width { 0 } else { length })
    }

    /// The fewest repetitions a quantifier after an atom asks for: 1 with none.
    fn quantifier(&mut self) -> Option<usize> {
        let times = match self.peek() {
            Some('*' | '?') => {
                self.at += 1;
                0
            }
            Some('+') => {
                self.at += 1;
                1
            }
            Some('{') => {
                self.at += 1;
                let times = self.number()?;
                match self.next()? {
                    '}' => {}
                    ',' => {
                        if self.peek() != Some('}') {
                            let most = self.number()?;
                            if most < times {
                                return None;
                            }
                        }
                        (self.next()? == '}').then_some(())?;
                    }
                    _ => return None,
                }
                times
            }
            _ => return Some(1),
        };
        // Lazy (`*?`) and possessive (`*+`) forms match the same values.
        if matches!(self.peek(), Some('?' | '+')) {
            self.at += 1;
        }
        Some(times)
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits: String = self.chars.get(start..self.at)?.iter().collect();
        digits.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::min_length;

    #[test]
    fn patterns_templates_use() {
        // AWS's documented ExternalId character set, unbounded: admits the empty string.
        assert_eq!(min_length(r"[\w+=,.@:\/-]*"), Some(0));
        assert_eq!(min_length(".+"), Some(1));
        assert_eq!(min_length("[A-Za-z0-9-]{16,}"), Some(16));
        assert_eq!(min_length(r"^[\w+=,.@:/-]{2,1224}$"), Some(2));
        let uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
        assert_eq!(min_length(uuid), Some(36));
        assert_eq!(min_length(r"(?:[a-z]{4}|\d{20})-x"), Some(6));
        assert_eq!(min_length(r"(?=.*\d)[a-z]+\d{3}?"), Some(4));
        assert_eq!(min_length(r"[]a]\x41\u0042(?<id>ab)*?"), Some(3));
        assert_eq!(min_length(""), Some(0));
    }

    #[test]
    fn what_is_not_read_is_unknown() {
        for pattern in [r"(a)\1", r"\p{Alpha}{16}", "(?i)abc", "[a-z&&[^q]]{16}", "a{3,1}", "(ab", "ab)", "*a", "[ab"] {
            assert_eq!(min_length(pattern), None, "{pattern}");
        }
    }
}
