//! `{name}` placeholders in scenario text, and the small parsers the variables need.

use std::net::Ipv4Addr;

/// The placeholder names used in `s`, in order. `{{` and `}}` are literal braces.
pub fn placeholders(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => i += 2,
            b'{' => {
                if let Some(end) = s[i + 1..].find('}') {
                    out.push(&s[i + 1..i + 1 + end]);
                    i += end + 2;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Replaces every `{name}` with `lookup(name)`; names it does not know stay as written.
pub fn render(s: &str, mut lookup: impl FnMut(&str) -> Option<String>) -> String {
    if !s.contains('{') && !s.contains('}') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(inner) = tail.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let name = &inner[..end];
                    match lookup(name) {
                        Some(v) => out.push_str(&v),
                        None => out.push_str(&tail[..end + 2]),
                    }
                    rest = &tail[end + 2..];
                }
                None => {
                    out.push_str(tail);
                    rest = "";
                }
            }
        } else {
            out.push('}');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Parses `a.b.c.d/len` with a prefix length from 8 to 30.
pub fn parse_cidr(s: &str) -> Option<(Ipv4Addr, u32)> {
    let (addr, len) = s.split_once('/')?;
    let addr: Ipv4Addr = addr.trim().parse().ok()?;
    let len: u32 = len.trim().parse().ok()?;
    (8..=30).contains(&len).then_some((addr, len))
}

/// The `n`-th usable host (1-based) of a network.
pub fn host_in(net: Ipv4Addr, len: u32, n: u32) -> Ipv4Addr {
    let mask = u32::MAX << (32 - len);
    Ipv4Addr::from((u32::from(net) & mask) | (n & !mask))
}

/// Usable hosts in a network of this prefix length.
pub fn host_count(len: u32) -> u32 {
    (1u32 << (32 - len)) - 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_escaped_braces() {
        assert_eq!(
            placeholders("IP {ip} on {{literal}} for {caller}"),
            vec!["ip", "caller"]
        );
    }

    #[test]
    fn render_replaces_known_names_and_keeps_unknown_ones() {
        let out = render("{a} and {b} {{x}}", |n| (n == "a").then(|| "1".to_string()));
        assert_eq!(out, "1 and {b} {x}");
    }

    #[test]
    fn cidr_hosts_stay_inside_the_network() {
        let (net, len) = parse_cidr("10.20.0.0/16").unwrap();
        assert_eq!(host_in(net, len, 1).to_string(), "10.20.0.1");
        assert_eq!(
            host_in(net, len, host_count(len)).to_string(),
            "10.20.255.254"
        );
        assert!(parse_cidr("10.0.0.0/31").is_none());
        assert!(parse_cidr("300.0.0.0/8").is_none());
    }
}
