//! Python's `repr` of a value, computed by the module itself: the helper a REPL
//! entry exports ([`crate::ECHO_REPR_EXPORT`]) for a host that cannot look into
//! WebAssembly GC objects (JavaScript sees them as opaque), to echo a list or an
//! object as `python3 -i` would.
//!
//! `repr_T(x: T) -> str` per static type `T`, as Python prints the value:
//! - `int` in decimal, `bool` as `True`/`False`, `None` as `None`;
//! - `str` in single quotes, or double quotes when it holds a single quote and no
//!   double quote, with `\\`, the quote, `\n`, `\r`, `\t` escaped and other control
//!   bytes as `\xNN`;
//! - a list as `[a, b]`, each element by its own `repr`;
//! - an `object` or a class instance by its dynamic type: a boxed `int` or `bool`,
//!   a `str`, a list of any type the module or an earlier entry of its session made
//!   (the list types an `object` can hold), or an instance of a class of the program
//!   (`<C object>`, the most derived class its struct is).
//!
//! The result is built by concatenation (`str_concat`), quadratic in its length:
//! fine for an echo, not for bulk output.

use crate::fb::Fb;
use crate::runtime::{write_digits, Built};
use crate::types::nullable;
use crate::{ancestry, Ctx, Helper, Rt, NUMBUF_END};
use chocopy_ir::Type;
use wasm_encoder::{BlockType, HeapType, Instruction as I, ValType};

/// Pushes a new string of `bytes`.
fn const_str(m: &Ctx, f: &mut Fb, bytes: &[u8]) {
    for &b in bytes {
        f.push(I::I32Const(b as i32));
    }
    f.push(I::ArrayNewFixed {
        array_type_index: m.t.str,
        array_size: bytes.len() as u32,
    });
}

/// Pushes the test of the reference in local 0 and the string `None` for when it
/// is null: the caller pushes the other case's string, then `End`.
fn none_or(m: &Ctx, f: &mut Fb) {
    f.extend([
        I::LocalGet(0),
        I::RefIsNull,
        I::If(BlockType::Result(nullable(m.t.str))),
    ]);
    const_str(m, f, b"None");
    f.push(I::Else);
}

/// `for i in 0..bound: body`: local `i` counts from 0 while below the `i32` that
/// `bound` pushes.
fn count_loop(f: &mut Fb, i: u32, bound: &[I<'static>], body: impl FnOnce(&mut Fb)) {
    f.extend([
        I::I32Const(0),
        I::LocalSet(i),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(i),
    ]);
    f.extend(bound.iter().cloned());
    f.extend([I::I32GeU, I::BrIf(1)]);
    body(f);
    f.extend([
        I::LocalGet(i),
        I::I32Const(1),
        I::I32Add,
        I::LocalSet(i),
        I::Br(0),
        I::End,
        I::End,
    ]);
}

/// The helper `repr` of a value of static type `ty`.
pub(crate) fn repr(m: &mut Ctx, ty: &Type) -> Built {
    let str_ty = nullable(m.t.str);
    let param = m.t.val(ty);
    let mut f = Fb::new(&[("x", param)]);
    let r = f.local("result", str_ty);
    let concat = |f: &mut Fb| f.push(I::Call(Rt::StrConcat as u32));
    match ty {
        Type::Int => int_repr(m, &mut f),
        Type::Bool => {
            f.extend([I::LocalGet(0), I::If(BlockType::Result(str_ty))]);
            const_str(m, &mut f, b"True");
            f.push(I::Else);
            const_str(m, &mut f, b"False");
            f.push(I::End);
        }
        Type::None => const_str(m, &mut f, b"None"),
        Type::Str => str_repr(m, &mut f, r),
        Type::Empty => {
            none_or(m, &mut f);
            const_str(m, &mut f, b"[]");
            f.push(I::End);
        }
        Type::List(elem) => {
            let l = m.t.list(elem);
            let each = m.helper(Helper::Repr((**elem).clone()));
            let i = f.local("i", ValType::I32);
            none_or(m, &mut f);
            const_str(m, &mut f, b"[");
            f.push(I::LocalSet(r));
            count_loop(&mut f, i, &[I::LocalGet(0), I::ArrayLen], |f| {
                f.extend([I::LocalGet(i), I::If(BlockType::Empty), I::LocalGet(r)]);
                const_str(m, f, b", ");
                concat(f);
                f.extend([I::LocalSet(r), I::End, I::LocalGet(r)]);
                f.extend([I::LocalGet(0), I::LocalGet(i)]);
                f.push(if **elem == Type::Bool {
                    I::ArrayGetU(l)
                } else {
                    I::ArrayGet(l)
                });
                f.push(I::Call(each));
                concat(f);
                f.push(I::LocalSet(r));
            });
            f.push(I::LocalGet(r));
            const_str(m, &mut f, b"]");
            concat(&mut f);
            f.push(I::End);
        }
        Type::Object | Type::Class(_) => dynamic_repr(m, &mut f),
        // A `Ref` cell is no value of the language: it exists only after boxing,
        // never in a list or a global.
        Type::Ref(_) => {
            m.invalid("repr of a Ref cell".into());
            f.push(I::Unreachable);
        }
    }
    let t = m.t.func(vec![param], vec![str_ty]);
    (t, format!("repr${}", m.helpers.len()), f.finish())
}

/// The decimal digits of the `i32` in local 0, as a new string: written into the
/// number buffer as `print` writes them, then copied.
fn int_repr(m: &mut Ctx, f: &mut Fb) {
    let s = m.t.str;
    let pos = f.local("pos", ValType::I32);
    let neg = f.local("negative", ValType::I32);
    let mag = f.local("magnitude", ValType::I32);
    let k = f.local("k", ValType::I32);
    let out = f.local("out", nullable(s));
    f.extend(write_digits(NUMBUF_END, pos, neg, mag));
    let len = [I::I32Const(NUMBUF_END), I::LocalGet(pos), I::I32Sub];
    f.extend(len.iter().cloned());
    f.extend([I::ArrayNewDefault(s), I::LocalSet(out)]);
    count_loop(f, k, &len, |f| {
        f.extend([
            I::LocalGet(out),
            I::LocalGet(k),
            I::LocalGet(pos),
            I::LocalGet(k),
            I::I32Add,
            I::I32Load8U(wasm_encoder::MemArg {
                offset: 0,
                align: 0,
                memory_index: 0,
            }),
            I::ArraySet(s),
        ]);
    });
    f.push(I::LocalGet(out));
}

/// Python's `repr` of the string in local 0 (`None` when null), built in local `r`.
fn str_repr(m: &mut Ctx, f: &mut Fb, r: u32) {
    let s = m.t.str;
    let str_ty = nullable(s);
    let i = f.local("i", ValType::I32);
    let d = f.local("digit", ValType::I32);
    let c = f.local("c", ValType::I32);
    let sq = f.local("single", ValType::I32);
    let dq = f.local("double", ValType::I32);
    let q = f.local("quote", ValType::I32);
    let concat = |f: &mut Fb| f.push(I::Call(Rt::StrConcat as u32));
    // Loops over the bytes of local 0: `body` sees the byte in `c`.
    let each_byte = |f: &mut Fb, body: &dyn Fn(&mut Fb)| {
        count_loop(f, i, &[I::LocalGet(0), I::ArrayLen], |f| {
            f.extend([
                I::LocalGet(0),
                I::LocalGet(i),
                I::ArrayGetU(s),
                I::LocalSet(c),
            ]);
            body(f);
        });
    };
    none_or(m, f);
    // Which quote.
    each_byte(f, &|f: &mut Fb| {
        f.extend([
            I::LocalGet(sq),
            I::LocalGet(c),
            I::I32Const(b'\'' as i32),
            I::I32Eq,
            I::I32Or,
            I::LocalSet(sq),
            I::LocalGet(dq),
            I::LocalGet(c),
            I::I32Const(b'"' as i32),
            I::I32Eq,
            I::I32Or,
            I::LocalSet(dq),
        ]);
    });
    f.extend([
        I::I32Const(b'"' as i32),
        I::I32Const(b'\'' as i32),
        I::LocalGet(sq),
        I::LocalGet(dq),
        I::I32Eqz,
        I::I32And,
        I::Select,
        I::LocalTee(q),
        I::ArrayNewFixed {
            array_type_index: s,
            array_size: 1,
        },
        I::LocalSet(r),
    ]);
    let s_idx = s;
    each_byte(f, &|f: &mut Fb| {
        f.push(I::LocalGet(r));
        // The piece for byte `c`, by cases.
        let simple = |f: &mut Fb, byte: u8, esc: u8| {
            f.extend([
                I::LocalGet(c),
                I::I32Const(byte as i32),
                I::I32Eq,
                I::If(BlockType::Result(str_ty)),
                I::I32Const(b'\\' as i32),
                I::I32Const(esc as i32),
                I::ArrayNewFixed {
                    array_type_index: s_idx,
                    array_size: 2,
                },
                I::Else,
            ]);
        };
        simple(f, b'\\', b'\\');
        simple(f, b'\n', b'n');
        simple(f, b'\r', b'r');
        simple(f, b'\t', b't');
        // The quote.
        f.extend([
            I::LocalGet(c),
            I::LocalGet(q),
            I::I32Eq,
            I::If(BlockType::Result(str_ty)),
            I::I32Const(b'\\' as i32),
            I::LocalGet(q),
            I::ArrayNewFixed {
                array_type_index: s_idx,
                array_size: 2,
            },
            I::Else,
            // Other control bytes and bytes past ASCII: \xNN.
            I::LocalGet(c),
            I::I32Const(0x20),
            I::I32LtU,
            I::LocalGet(c),
            I::I32Const(0x7e),
            I::I32GtU,
            I::I32Or,
            I::If(BlockType::Result(str_ty)),
            I::I32Const(b'\\' as i32),
            I::I32Const(b'x' as i32),
        ]);
        for shift in [4, 0] {
            // The hex digit of bits `shift..shift + 4`.
            f.extend([
                I::LocalGet(c),
                I::I32Const(shift),
                I::I32ShrU,
                I::I32Const(15),
                I::I32And,
                I::LocalTee(d),
                I::I32Const(b'0' as i32),
                I::I32Add,
                I::LocalGet(d),
                I::I32Const(b'a' as i32 - 10),
                I::I32Add,
                I::LocalGet(d),
                I::I32Const(10),
                I::I32LtU,
                I::Select,
            ]);
        }
        f.extend([
            I::ArrayNewFixed {
                array_type_index: s_idx,
                array_size: 4,
            },
            I::Else,
            I::LocalGet(c),
            I::ArrayNewFixed {
                array_type_index: s_idx,
                array_size: 1,
            },
            I::End,
            I::End,
            I::End,
            I::End,
            I::End,
            I::End,
        ]);
        concat(f);
        f.push(I::LocalSet(r));
    });
    f.extend([
        I::LocalGet(r),
        I::LocalGet(q),
        I::ArrayNewFixed {
            array_type_index: s,
            array_size: 1,
        },
    ]);
    concat(f);
    f.push(I::End);
}

/// `repr` of the `eqref` (or class reference) in local 0 by its dynamic type.
fn dynamic_repr(m: &mut Ctx, f: &mut Fb) {
    let str_ty = nullable(m.t.str);
    none_or(m, f);
    let mut open = 1;
    // Values: each tested type, how to get the value to show from the cast
    // reference, and the helper showing it.
    let (bi, bb) = (m.t.box_int, m.t.box_bool);
    let mut cases: Vec<(u32, Option<u32>, Type)> = vec![
        (bi, Some(bi), Type::Int),
        (bb, Some(bb), Type::Bool),
        (m.t.str, None, Type::Str),
        (m.t.empty, None, Type::Empty),
    ];
    let mut elems = vec![Type::Int, Type::Bool, Type::Str, Type::Object];
    for t in m.t.known_list_elems(m.p) {
        if !elems.contains(&t) {
            elems.push(t);
        }
    }
    for elem in elems {
        let l = m.t.list(&elem);
        cases.push((l, None, Type::List(Box::new(elem))));
    }
    for (t, field_of, shown) in cases {
        let helper = m.helper(Helper::Repr(shown));
        f.extend([
            I::LocalGet(0),
            I::RefTestNonNull(HeapType::Concrete(t)),
            I::If(BlockType::Result(str_ty)),
            I::LocalGet(0),
            I::RefCastNonNull(HeapType::Concrete(t)),
        ]);
        if let Some(b) = field_of {
            f.push(I::StructGet {
                struct_type_index: b,
                field_index: 0,
            });
        }
        f.extend([I::Call(helper), I::Else]);
        open += 1;
    }
    // Instances: the most derived class first.
    let mut classes: Vec<_> = m.p.classes.iter().map(|(c, _)| c).collect();
    classes.sort_by_key(|&c| std::cmp::Reverse(ancestry(m.p, c).len()));
    for c in classes {
        let t = m.t.class(c);
        f.extend([
            I::LocalGet(0),
            I::RefTestNonNull(HeapType::Concrete(t)),
            I::If(BlockType::Result(str_ty)),
        ]);
        let text = format!("<{} object>", m.p.classes[c].name);
        const_str(m, f, text.as_bytes());
        f.push(I::Else);
        open += 1;
    }
    const_str(m, f, b"<object>");
    for _ in 0..open {
        f.push(I::End);
    }
}
