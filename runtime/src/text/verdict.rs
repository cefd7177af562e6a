//! A message built during `const` evaluation.

use super::separator;

/// A check's outcome: empty when it passed, else the message. Built by `const fn`s, so the
/// checks the derives leave to the compiler (a field's type, flattened parts) produce the same
/// words as the checks run at run time; a message longer than the buffer is cut with `...`.
#[derive(Clone, Copy)]
pub struct Verdict {
    buf: [u8; Verdict::CAP],
    len: usize,
}

impl core::fmt::Debug for Verdict {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Verdict").field(&self.as_str()).finish()
    }
}

impl Verdict {
    /// The longest message kept, in bytes.
    pub const CAP: usize = 1024;
    const ELLIPSIS: &'static str = "...";

    /// A passed check: no message.
    pub const fn ok() -> Self {
        Verdict {
            buf: [0; Verdict::CAP],
            len: 0,
        }
    }

    /// True when the check passed.
    pub const fn is_ok(&self) -> bool {
        self.len == 0
    }

    /// True when the check failed (there is a message).
    pub const fn failed(&self) -> bool {
        self.len != 0
    }

    /// The message; empty when the check passed.
    pub const fn as_str(&self) -> &str {
        let (head, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(head) {
            Ok(s) => s,
            // `push` only cuts at char boundaries, so this is unreachable.
            Err(_) => "schemalock: malformed message",
        }
    }

    /// Appends `s`, cut at a char boundary (and marked with `...`, once) when it does not fit.
    pub const fn push(self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let room = Verdict::CAP - Verdict::ELLIPSIS.len();
        if self.len + bytes.len() <= room {
            return self.copy(bytes, bytes.len());
        }
        if self.len >= room {
            return self;
        }
        let mut take = room - self.len;
        while take > 0 && !is_char_boundary(bytes, take) {
            take -= 1;
        }
        self.copy(bytes, take)
            .copy(Verdict::ELLIPSIS.as_bytes(), Verdict::ELLIPSIS.len())
    }

    /// Appends `` `name` `` as item `i` of a list of `len` alternatives (see
    /// [`super::one_of`]).
    pub const fn push_item(self, i: usize, len: usize, name: &str) -> Self {
        self.push(separator(i, len)).push("`").push(name).push("`")
    }

    const fn copy(mut self, bytes: &[u8], n: usize) -> Self {
        let mut i = 0;
        while i < n {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }
}

const fn is_char_boundary(bytes: &[u8], i: usize) -> bool {
    i >= bytes.len() || (bytes[i] as i8) >= -0x40
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let long = "é".repeat(2000);
        let v = Verdict::ok().push("x").push(&long);
        assert!(v.as_str().ends_with("..."));
        assert!(v.as_str().len() <= Verdict::CAP);
    }

    #[test]
    fn lists_read_like_one_of() {
        let v = Verdict::ok()
            .push_item(0, 3, "a")
            .push_item(1, 3, "b")
            .push_item(2, 3, "c");
        assert_eq!(v.as_str(), super::super::one_of(&["a", "b", "c"]));
    }
}
