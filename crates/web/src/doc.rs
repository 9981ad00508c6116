//! One document model for Open311 output, rendered as XML or JSON, so that both formats always carry
//! the same fields.

use std::borrow::Cow;
use std::fmt::Write;

/// A value in an Open311 response.
#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// Borrowed from the rows being rendered where possible: a list of 1,000 reports would otherwise
    /// copy every string once more.
    Str(Cow<'a, str>),
    Num(f64),
    Int(i64),
    Bool(bool),
    /// An absent optional value: `null` in JSON, an empty element in XML.
    Null,
    /// A list: a JSON array; in XML, one `<item>` element per entry inside the parent element.
    List(&'static str, Vec<Node<'a>>),
    Obj(Vec<(&'static str, Node<'a>)>),
}

impl<'a> Node<'a> {
    pub fn str(s: impl Into<Cow<'a, str>>) -> Node<'a> {
        Node::Str(s.into())
    }

    pub fn opt(s: Option<impl Into<Cow<'a, str>>>) -> Node<'a> {
        s.map_or(Node::Null, |s| Node::Str(s.into()))
    }
}

/// `<?xml …?><root>…</root>`; a list root holds its items directly.
pub fn to_xml(root: &str, node: &Node) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    write_element(&mut out, root, node);
    out
}

fn write_element(out: &mut String, name: &str, node: &Node) {
    match node {
        Node::Null => {
            let _ = write!(out, "<{name}/>");
        }
        Node::Str(s) => {
            let _ = write!(out, "<{name}>");
            push_text(out, s);
            let _ = write!(out, "</{name}>");
        }
        Node::Num(n) => {
            let _ = write!(out, "<{name}>{n}</{name}>");
        }
        Node::Bool(b) => {
            let _ = write!(out, "<{name}>{b}</{name}>");
        }
        Node::Int(n) => {
            let _ = write!(out, "<{name}>{n}</{name}>");
        }
        Node::List(item, items) => {
            let _ = write!(out, "<{name}>");
            for i in items {
                write_element(out, item, i);
            }
            let _ = write!(out, "</{name}>");
        }
        Node::Obj(fields) => {
            let _ = write!(out, "<{name}>");
            for (k, v) in fields {
                write_element(out, k, v);
            }
            let _ = write!(out, "</{name}>");
        }
    }
}

/// Characters XML 1.0 cannot carry at all.
fn is_xml_illegal(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Escapes markup and drops characters XML 1.0 cannot carry.
fn push_text(out: &mut String, s: &str) {
    if s.chars().any(is_xml_illegal) {
        let clean: String = s.chars().filter(|c| !is_xml_illegal(*c)).collect();
        out.push_str(&quick_xml::escape::escape(clean.as_str()));
    } else {
        out.push_str(&quick_xml::escape::escape(s));
    }
}

/// The JSON form: lists are arrays (even of one), objects are objects.
pub fn to_json(node: &Node) -> String {
    serde_json::to_string(node).expect("a document of strings and numbers always serialises")
}

impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Null => s.serialize_unit(),
            Node::Str(v) => s.serialize_str(v),
            // JSON has no NaN or infinity; coordinates are always finite, anything else is absent.
            Node::Num(n) if n.is_finite() => s.serialize_f64(*n),
            Node::Num(_) => s.serialize_unit(),
            Node::Int(n) => s.serialize_i64(*n),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::List(_, items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Node::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_element_lists_stay_lists() {
        let doc = Node::List("service", vec![Node::Obj(vec![("service_code", Node::str("a&b")), ("x", Node::Null)])]);
        assert_eq!(to_json(&doc), r#"[{"service_code":"a&b","x":null}]"#);
        assert_eq!(
            to_xml("services", &doc),
            r#"<?xml version="1.0" encoding="utf-8"?><services><service><service_code>a&amp;b</service_code><x/></service></services>"#
        );
    }

    #[test]
    fn control_characters_never_reach_xml() {
        assert!(to_xml("a", &Node::str("x\u{1}y\u{FFFE}")).ends_with("<a>xy</a>"));
    }
}
