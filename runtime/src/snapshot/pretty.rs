//! The bytes of `serde_json::to_string_pretty` (two-space indentation), faster: each line's
//! indentation is written at once instead of two bytes per level, which took a quarter of the
//! time for a snapshot of 1,000 tables (`bench/introspection.sh`).

use std::io::{self, Write};

#[derive(Debug, Default)]
pub(super) struct Pretty {
    depth: usize,
    has_value: bool,
}

/// What goes before a new line: a comma after the previous value, or nothing.
#[derive(Clone, Copy)]
enum Lead {
    First,
    Next,
}

impl Lead {
    fn of(first: bool) -> Lead {
        if first { Lead::First } else { Lead::Next }
    }
}

impl Pretty {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, lead: Lead) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(match lead {
            Lead::First => b"\n",
            Lead::Next => b",\n",
        })?;
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w, Lead::First)?;
        }
        w.write_all(bracket)
    }

    fn value_done(&mut self) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The formatter's methods, each one line.
macro_rules! formatter {
    ($($name:ident($this:ident, $w:ident $(, $arg:ident: $ty:ty)?) $body:expr;)+) => {
        impl serde_json::ser::Formatter for Pretty {
            $(
                fn $name<W: ?Sized + Write>(&mut $this, $w: &mut W $(, $arg: $ty)?) -> io::Result<()> {
                    $body
                }
            )+
        }
    };
}

formatter! {
    begin_array(self, w) self.open(w, b"[");
    end_array(self, w) self.close(w, b"]");
    begin_array_value(self, w, first: bool) self.newline(w, Lead::of(first));
    end_array_value(self, _w) self.value_done();
    begin_object(self, w) self.open(w, b"{");
    end_object(self, w) self.close(w, b"}");
    begin_object_key(self, w, first: bool) self.newline(w, Lead::of(first));
    begin_object_value(self, w) w.write_all(b": ");
    end_object_value(self, _w) self.value_done();
}
