//! The runtime: functions every module carries (buffered output, printing, input,
//! strings, runtime errors) and helpers made on demand (list concatenation and
//! conversion for given list types). Written as builder code with named locals
//! ([`Fb`]): the module's name section shows the names.
//!
//! Strings and lists are GC arrays; linear memory holds only the output and input
//! buffers, the digits of a number being printed and the static texts.

use crate::fb::{Body, Fb};
use crate::types::{nullable, EQREF, NULLREF};
use crate::{Ctx, Helper, Rt, RuntimeError, G, IOBUF, IORESULT, IOVEC, NUMBUF_END};
use chocopy_ir::Type;
use wasm_encoder::{BlockType, HeapType, Instruction as I, MemArg, ValType};

/// Copies shorter than this many bytes are made of `array.copy`s of constant
/// lengths (64, 32, ..., 1 bytes, as the bits of the length say), which wasmtime
/// expands inline; longer ones are one `array.copy` of the whole length, a call into
/// the engine's `memmove` (whose fixed cost short strings would pay on every
/// concatenation: see Cranelift's `emit_inline_memcpy`).
const INLINE_COPY: i32 = 128;

/// Copies `n` bytes of string `src` from offset 0 to string `dst` at offset `at`
/// (locals; `from` is a scratch local; `at` and `n` are consumed).
fn copy_bytes(f: &mut Fb, s: u32, dst: u32, at: u32, src: u32, from: u32, n: u32) {
    let copy = |f: &mut Fb, len: Option<i32>| {
        f.extend([
            I::LocalGet(dst),
            I::LocalGet(at),
            I::LocalGet(src),
            I::LocalGet(from),
        ]);
        f.push(match len {
            Some(c) => I::I32Const(c),
            None => I::LocalGet(n),
        });
        f.push(I::ArrayCopy {
            array_type_index_dst: s,
            array_type_index_src: s,
        });
    };
    f.extend([
        I::I32Const(0),
        I::LocalSet(from),
        I::LocalGet(n),
        I::I32Const(INLINE_COPY),
        I::I32GeU,
        I::If(BlockType::Empty),
    ]);
    copy(f, None);
    f.push(I::Else);
    let mut chunk = INLINE_COPY / 2;
    while chunk >= 1 {
        f.extend([
            I::LocalGet(n),
            I::I32Const(chunk),
            I::I32And,
            I::If(BlockType::Empty),
        ]);
        copy(f, Some(chunk));
        if chunk > 1 {
            for l in [at, from] {
                f.extend([
                    I::LocalGet(l),
                    I::I32Const(chunk),
                    I::I32Add,
                    I::LocalSet(l),
                ]);
            }
        }
        f.push(I::End);
        chunk /= 2;
    }
    f.push(I::End);
}

/// A memory access of a word at `offset` bytes.
fn word(offset: u64) -> MemArg {
    MemArg {
        offset,
        align: 2,
        memory_index: 0,
    }
}

fn byte(offset: u64) -> MemArg {
    MemArg {
        offset,
        align: 0,
        memory_index: 0,
    }
}

/// The instructions of `error(code, site)`; the stack is then unreachable.
pub(crate) fn raise(e: RuntimeError, site: impl FnOnce(&mut Fb), f: &mut Fb) {
    f.push(I::I32Const(e.code()));
    site(f);
    f.push(I::Call(Rt::Error as u32));
    f.push(I::Unreachable);
}

/// Writes the decimal digits of the `i32` in local 0, after a `-` when it is
/// negative, into the number buffer so that they end just before address `end`
/// (at most [`NUMBUF_END`]); leaves local `pos` at the address of the first byte.
/// Locals `neg` and `mag` are scratch: the magnitude is taken unsigned, so that
/// -2^31 is written correctly.
pub(crate) fn write_digits(end: i32, pos: u32, neg: u32, mag: u32) -> Vec<I<'static>> {
    vec![
        I::I32Const(end),
        I::LocalSet(pos),
        I::LocalGet(0),
        I::I32Const(0),
        I::I32LtS,
        I::LocalSet(neg),
        I::I32Const(0),
        I::LocalGet(0),
        I::I32Sub,
        I::LocalGet(0),
        I::LocalGet(neg),
        I::Select,
        I::LocalSet(mag),
        I::Loop(BlockType::Empty),
        I::LocalGet(pos),
        I::I32Const(1),
        I::I32Sub,
        I::LocalTee(pos),
        I::LocalGet(mag),
        I::I32Const(10),
        I::I32RemU,
        I::I32Const(b'0' as i32),
        I::I32Add,
        I::I32Store8(byte(0)),
        I::LocalGet(mag),
        I::I32Const(10),
        I::I32DivU,
        I::LocalTee(mag),
        I::BrIf(0),
        I::End,
        I::LocalGet(neg),
        I::If(BlockType::Empty),
        I::LocalGet(pos),
        I::I32Const(1),
        I::I32Sub,
        I::LocalTee(pos),
        I::I32Const(b'-' as i32),
        I::I32Store8(byte(0)),
        I::End,
    ]
}

/// A built function: its type, its name, its body and local names.
pub(crate) type Built = (u32, String, Body);

/// Runtime function `rt`.
pub(crate) fn build(m: &mut Ctx, rt: Rt) -> Built {
    let l = m.layout.clone();
    let text = |s: &str| l.texts[s];
    let str_ty = nullable(m.t.str);
    let i32_ = ValType::I32;
    let (params, results, name, f): (Vec<ValType>, Vec<ValType>, &str, Fb) = match rt {
        // write_fd(fd, ptr, len): fd_write(fd, iovec, 1, result)
        Rt::WriteFd => {
            let mut f = Fb::new(&[("fd", i32_), ("ptr", i32_), ("len", i32_)]);
            f.extend([
                I::I32Const(IOVEC),
                I::LocalGet(1),
                I::I32Store(word(0)),
                I::I32Const(IOVEC),
                I::LocalGet(2),
                I::I32Store(word(4)),
                I::LocalGet(0),
                I::I32Const(IOVEC),
                I::I32Const(1),
                I::I32Const(IORESULT),
                I::Call(Rt::FdWrite as u32),
                I::Drop,
            ]);
            (vec![i32_; 3], vec![], "write_fd", f)
        }
        // flush(): writes the output buffer.
        Rt::Flush => {
            let mut f = Fb::new(&[]);
            f.extend([
                I::GlobalGet(G::OutLen as u32),
                I::If(BlockType::Empty),
                I::I32Const(1),
                I::I32Const(l.outbuf),
                I::GlobalGet(G::OutLen as u32),
                I::Call(Rt::WriteFd as u32),
                I::I32Const(0),
                I::GlobalSet(G::OutLen as u32),
                I::End,
            ]);
            (vec![], vec![], "flush", f)
        }
        // out(ptr, len): appends bytes of linear memory to the output buffer,
        // flushing when full (writing directly what cannot fit).
        Rt::Out => {
            let mut f = Fb::new(&[("ptr", i32_), ("len", i32_)]);
            f.extend([
                I::GlobalGet(G::OutLen as u32),
                I::LocalGet(1),
                I::I32Add,
                I::I32Const(IOBUF as i32),
                I::I32GtU,
                I::If(BlockType::Empty),
                I::Call(Rt::Flush as u32),
                I::End,
                I::LocalGet(1),
                I::I32Const(IOBUF as i32),
                I::I32GtU,
                I::If(BlockType::Empty),
                I::I32Const(1),
                I::LocalGet(0),
                I::LocalGet(1),
                I::Call(Rt::WriteFd as u32),
                I::Return,
                I::End,
                I::I32Const(l.outbuf),
                I::GlobalGet(G::OutLen as u32),
                I::I32Add,
                I::LocalGet(0),
                I::LocalGet(1),
                I::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                },
                I::GlobalGet(G::OutLen as u32),
                I::LocalGet(1),
                I::I32Add,
                I::GlobalSet(G::OutLen as u32),
            ]);
            (vec![i32_; 2], vec![], "out", f)
        }
        // print_int(n): decimal digits and a newline; the magnitude is taken
        // unsigned so that -2^31 prints correctly.
        Rt::PrintInt => {
            let mut f = Fb::new(&[("n", i32_)]);
            let pos = f.local("pos", i32_);
            let mag = f.local("magnitude", i32_);
            let neg = f.local("negative", i32_);
            f.extend([
                I::I32Const(NUMBUF_END - 1),
                I::I32Const(b'\n' as i32),
                I::I32Store8(byte(0)),
            ]);
            f.extend(write_digits(NUMBUF_END - 1, pos, neg, mag));
            f.extend([
                I::LocalGet(pos),
                I::I32Const(NUMBUF_END),
                I::LocalGet(pos),
                I::I32Sub,
                I::Call(Rt::Out as u32),
            ]);
            (vec![i32_], vec![], "print_int", f)
        }
        Rt::PrintBool => {
            let (t, tl) = text("True\n");
            let (fl, fll) = text("False\n");
            let mut f = Fb::new(&[("b", i32_)]);
            f.extend([
                I::I32Const(t),
                I::I32Const(fl),
                I::LocalGet(0),
                I::Select,
                I::I32Const(tl),
                I::I32Const(fll),
                I::LocalGet(0),
                I::Select,
                I::Call(Rt::Out as u32),
            ]);
            (vec![i32_], vec![], "print_bool", f)
        }
        // print_str(s): the bytes of the string array into the output buffer, then a
        // newline.
        Rt::PrintStr => {
            let (nl, nll) = text("\n");
            let str_idx = m.t.str;
            let mut f = Fb::new(&[("s", str_ty)]);
            let i = f.local("i", i32_);
            let len = f.local("len", i32_);
            f.extend([
                I::LocalGet(0),
                I::ArrayLen,
                I::LocalSet(len),
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(i),
                I::LocalGet(len),
                I::I32GeU,
                I::BrIf(1),
                I::GlobalGet(G::OutLen as u32),
                I::I32Const(IOBUF as i32),
                I::I32Eq,
                I::If(BlockType::Empty),
                I::Call(Rt::Flush as u32),
                I::End,
                I::I32Const(l.outbuf),
                I::GlobalGet(G::OutLen as u32),
                I::I32Add,
                I::LocalGet(0),
                I::LocalGet(i),
                I::ArrayGetU(str_idx),
                I::I32Store8(byte(0)),
                I::GlobalGet(G::OutLen as u32),
                I::I32Const(1),
                I::I32Add,
                I::GlobalSet(G::OutLen as u32),
                I::LocalGet(i),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(i),
                I::Br(0),
                I::End,
                I::End,
                I::I32Const(nl),
                I::I32Const(nll),
                I::Call(Rt::Out as u32),
            ]);
            (vec![str_ty], vec![], "print_str", f)
        }
        // print_object(x, site): a boxed int or bool, or a string; anything else
        // (None, objects, lists) is an invalid argument (manual 2.8.6).
        Rt::PrintObject => {
            let (bi, bb, s) = (m.t.box_int, m.t.box_bool, m.t.str);
            let mut f = Fb::new(&[("x", EQREF), ("site", i32_)]);
            let cases: [(u32, Vec<I<'static>>); 3] = [
                (
                    bi,
                    vec![
                        I::StructGet {
                            struct_type_index: bi,
                            field_index: 0,
                        },
                        I::Call(Rt::PrintInt as u32),
                    ],
                ),
                (
                    bb,
                    vec![
                        I::StructGet {
                            struct_type_index: bb,
                            field_index: 0,
                        },
                        I::Call(Rt::PrintBool as u32),
                    ],
                ),
                (s, vec![I::Call(Rt::PrintStr as u32)]),
            ];
            for (ty, print) in cases {
                f.extend([
                    I::LocalGet(0),
                    I::RefTestNonNull(HeapType::Concrete(ty)),
                    I::If(BlockType::Empty),
                    I::LocalGet(0),
                    I::RefCastNonNull(HeapType::Concrete(ty)),
                ]);
                f.extend(print);
                f.extend([I::Return, I::End]);
            }
            raise(
                RuntimeError::InvalidArgument,
                |f| f.push(I::LocalGet(1)),
                &mut f,
            );
            (vec![EQREF, i32_], vec![], "print_object", f)
        }
        // error(code, site): the message on stdout, the site and message on stderr,
        // then exit with the code.
        Rt::Error => {
            let (nl, nll) = text("\n");
            let (sep, sepl) = text(": ");
            let mut f = Fb::new(&[("code", i32_), ("site", i32_)]);
            let msg = |f: &mut Fb| {
                f.extend([
                    I::LocalGet(0),
                    I::I32Const(3),
                    I::I32Shl,
                    I::I32Const(l.messages),
                    I::I32Add,
                    I::I32Load(word(0)),
                    I::LocalGet(0),
                    I::I32Const(3),
                    I::I32Shl,
                    I::I32Const(l.messages),
                    I::I32Add,
                    I::I32Load(word(4)),
                ]);
            };
            msg(&mut f);
            f.extend([
                I::Call(Rt::Out as u32),
                I::I32Const(nl),
                I::I32Const(nll),
                I::Call(Rt::Out as u32),
                I::Call(Rt::Flush as u32),
                I::LocalGet(1),
                I::If(BlockType::Empty),
                I::I32Const(2),
                I::LocalGet(1),
                I::I32Const(3),
                I::I32Shl,
                I::I32Const(l.sites),
                I::I32Add,
                I::I32Load(word(0)),
                I::LocalGet(1),
                I::I32Const(3),
                I::I32Shl,
                I::I32Const(l.sites),
                I::I32Add,
                I::I32Load(word(4)),
                I::Call(Rt::WriteFd as u32),
                I::I32Const(2),
                I::I32Const(sep),
                I::I32Const(sepl),
                I::Call(Rt::WriteFd as u32),
                I::I32Const(2),
            ]);
            msg(&mut f);
            f.extend([
                I::Call(Rt::WriteFd as u32),
                I::I32Const(2),
                I::I32Const(nl),
                I::I32Const(nll),
                I::Call(Rt::WriteFd as u32),
                I::End,
                I::LocalGet(0),
                I::Call(Rt::ProcExit as u32),
                I::Unreachable,
            ]);
            (vec![i32_; 2], vec![], "error", f)
        }
        // str_concat(a, b) -> a + b. An empty side gives the other string back
        // (strings are immutable; a one-character result is so the interned one).
        // Bytes are copied by `copy_bytes`.
        Rt::StrConcat => {
            let s = m.t.str;
            let mut f = Fb::new(&[("a", str_ty), ("b", str_ty)]);
            let r = f.local("result", str_ty);
            let la = f.local("len_a", i32_);
            let lb = f.local("len_b", i32_);
            let at = f.local("at", i32_);
            let from = f.local("from", i32_);
            let n = f.local("n", i32_);
            f.extend([
                I::LocalGet(0),
                I::ArrayLen,
                I::LocalTee(la),
                I::I32Eqz,
                I::If(BlockType::Empty),
                I::LocalGet(1),
                I::Return,
                I::End,
                I::LocalGet(1),
                I::ArrayLen,
                I::LocalTee(lb),
                I::I32Eqz,
                I::If(BlockType::Empty),
                I::LocalGet(0),
                I::Return,
                I::End,
                I::LocalGet(la),
                I::LocalGet(lb),
                I::I32Add,
                I::ArrayNewDefault(s),
                I::LocalSet(r),
                I::I32Const(0),
                I::LocalSet(at),
                I::LocalGet(la),
                I::LocalSet(n),
            ]);
            copy_bytes(&mut f, s, r, at, 0, from, n);
            f.extend([
                I::LocalGet(la),
                I::LocalSet(at),
                I::LocalGet(lb),
                I::LocalSet(n),
            ]);
            copy_bytes(&mut f, s, r, at, 1, from, n);
            f.push(I::LocalGet(r));
            (vec![str_ty; 2], vec![str_ty], "str_concat", f)
        }
        // str_eq(a, b) -> a == b (same length, same bytes)
        Rt::StrEq => {
            let s = m.t.str;
            let mut f = Fb::new(&[("a", str_ty), ("b", str_ty)]);
            let i = f.local("i", i32_);
            let len = f.local("len", i32_);
            f.extend([
                I::LocalGet(0),
                I::LocalGet(1),
                I::RefEq,
                I::If(BlockType::Empty),
                I::I32Const(1),
                I::Return,
                I::End,
                I::LocalGet(0),
                I::ArrayLen,
                I::LocalTee(len),
                I::LocalGet(1),
                I::ArrayLen,
                I::I32Ne,
                I::If(BlockType::Empty),
                I::I32Const(0),
                I::Return,
                I::End,
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(i),
                I::LocalGet(len),
                I::I32GeU,
                I::BrIf(1),
                I::LocalGet(0),
                I::LocalGet(i),
                I::ArrayGetU(s),
                I::LocalGet(1),
                I::LocalGet(i),
                I::ArrayGetU(s),
                I::I32Ne,
                I::If(BlockType::Empty),
                I::I32Const(0),
                I::Return,
                I::End,
                I::LocalGet(i),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(i),
                I::Br(0),
                I::End,
                I::End,
                I::I32Const(1),
            ]);
            (vec![str_ty; 2], vec![i32_], "str_eq", f)
        }
        // len(x, site): the length of a string or list held as an `object`; None and
        // anything else are invalid arguments.
        Rt::Len => {
            let mut f = Fb::new(&[("x", EQREF), ("site", i32_)]);
            f.extend([
                I::LocalGet(0),
                I::RefTestNonNull(crate::types::ARRAY_HEAP),
                I::If(BlockType::Empty),
                I::LocalGet(0),
                I::RefCastNonNull(crate::types::ARRAY_HEAP),
                I::ArrayLen,
                I::Return,
                I::End,
            ]);
            raise(
                RuntimeError::InvalidArgument,
                |f| f.push(I::LocalGet(1)),
                &mut f,
            );
            (vec![EQREF, i32_], vec![i32_], "len", f)
        }
        // input() -> the next line of stdin with its newline, "" at the end.
        Rt::Input => {
            let s = m.t.str;
            let mut f = Fb::new(&[]);
            let r = f.local("result", str_ty);
            let len = f.local("len", i32_);
            let b = f.local("byte", i32_);
            let bigger = f.local("bigger", str_ty);
            f.extend([
                I::Call(Rt::Flush as u32),
                I::I32Const(64),
                I::ArrayNewDefault(s),
                I::LocalSet(r),
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                // Refill the buffer when empty; stop at end of input.
                I::GlobalGet(G::InPos as u32),
                I::GlobalGet(G::InLen as u32),
                I::I32GeU,
                I::If(BlockType::Empty),
                I::I32Const(IOVEC),
                I::I32Const(l.inbuf),
                I::I32Store(word(0)),
                I::I32Const(IOVEC),
                I::I32Const(IOBUF as i32),
                I::I32Store(word(4)),
                I::I32Const(0),
                I::I32Const(IOVEC),
                I::I32Const(1),
                I::I32Const(IORESULT),
                I::Call(Rt::FdRead as u32),
                I::Drop,
                I::I32Const(0),
                I::GlobalSet(G::InPos as u32),
                I::I32Const(IORESULT),
                I::I32Load(word(0)),
                I::GlobalSet(G::InLen as u32),
                I::GlobalGet(G::InLen as u32),
                I::I32Eqz,
                I::BrIf(2),
                I::End,
                I::I32Const(l.inbuf),
                I::GlobalGet(G::InPos as u32),
                I::I32Add,
                I::I32Load8U(byte(0)),
                I::LocalSet(b),
                I::GlobalGet(G::InPos as u32),
                I::I32Const(1),
                I::I32Add,
                I::GlobalSet(G::InPos as u32),
                // Grow the result when full.
                I::LocalGet(len),
                I::LocalGet(r),
                I::ArrayLen,
                I::I32GeU,
                I::If(BlockType::Empty),
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Shl,
                I::ArrayNewDefault(s),
                I::LocalTee(bigger),
                I::I32Const(0),
                I::LocalGet(r),
                I::I32Const(0),
                I::LocalGet(len),
                I::ArrayCopy {
                    array_type_index_dst: s,
                    array_type_index_src: s,
                },
                I::LocalGet(bigger),
                I::LocalSet(r),
                I::End,
                I::LocalGet(r),
                I::LocalGet(len),
                I::LocalGet(b),
                I::ArraySet(s),
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Add,
                I::LocalSet(len),
                I::LocalGet(b),
                I::I32Const(b'\n' as i32),
                I::I32Ne,
                I::BrIf(0),
                I::End,
                I::End,
                // One character: the interned string (see `Ctx::literals`).
                I::LocalGet(len),
                I::I32Const(1),
                I::I32Eq,
                I::If(BlockType::Empty),
                I::GlobalGet(G::Chars as u32),
                I::LocalGet(r),
                I::I32Const(0),
                I::ArrayGetU(s),
                I::ArrayGet(m.t.strs),
                I::Return,
                I::End,
                // The exact length.
                I::LocalGet(len),
                I::ArrayNewDefault(s),
                I::LocalTee(bigger),
                I::I32Const(0),
                I::LocalGet(r),
                I::I32Const(0),
                I::LocalGet(len),
                I::ArrayCopy {
                    array_type_index_dst: s,
                    array_type_index_src: s,
                },
                I::LocalGet(bigger),
            ]);
            (vec![], vec![str_ty], "input", f)
        }
        // object.__init__(self): does nothing.
        Rt::ObjectInit => {
            let o = nullable(m.t.object);
            (vec![o], vec![], "object.__init__", Fb::new(&[("self", o)]))
        }
        Rt::FdWrite | Rt::FdRead | Rt::ProcExit => unreachable!("imported, not built"),
    };
    // `object.__init__` is in every dispatch table: it has the slot's type.
    let ty = if rt == Rt::ObjectInit {
        m.t.group_func(params, results)
    } else {
        m.t.func(params, results)
    };
    (ty, name.to_string(), f.finish())
}

/// The value of an element of a list of `elem` as stored, converted to a list of
/// `to`'s element: boxing an `int` or `bool` going into a list of references.
fn convert_element(m: &mut Ctx, elem: &Type, to: &Type, f: &mut Fb) {
    if matches!(to, Type::Int | Type::Bool) {
        return;
    }
    match elem {
        Type::Int => f.push(I::StructNew(m.t.box_int)),
        Type::Bool => {
            let r = EQREF;
            f.extend([
                I::If(BlockType::Result(r)),
                I::GlobalGet(G::True as u32),
                I::Else,
                I::GlobalGet(G::False as u32),
                I::End,
            ]);
        }
        _ => {}
    }
}

/// Copies list `src` (a local, of element type `elem`) into `dst` (a local, of
/// element type `to`) at the offset in local `at` (or 0).
fn copy_into(m: &mut Ctx, dst: u32, to: &Type, at: Option<u32>, src: u32, elem: &Type, f: &mut Fb) {
    let dst_ty = m.t.list(to);
    let src_ty = m.t.list(elem);
    let boxing = matches!(elem, Type::Int | Type::Bool) && !matches!(to, Type::Int | Type::Bool);
    let offset = |f: &mut Fb| match at {
        Some(a) => f.push(I::LocalGet(a)),
        None => f.push(I::I32Const(0)),
    };
    if !boxing {
        f.push(I::LocalGet(dst));
        offset(f);
        f.extend([
            I::LocalGet(src),
            I::I32Const(0),
            I::LocalGet(src),
            I::ArrayLen,
            I::ArrayCopy {
                array_type_index_dst: dst_ty,
                array_type_index_src: src_ty,
            },
        ]);
        return;
    }
    let i = f.temp(ValType::I32);
    f.extend([
        I::I32Const(0),
        I::LocalSet(i),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(i),
        I::LocalGet(src),
        I::ArrayLen,
        I::I32GeU,
        I::BrIf(1),
        I::LocalGet(dst),
    ]);
    offset(f);
    f.extend([
        I::LocalGet(i),
        I::I32Add,
        I::LocalGet(src),
        I::LocalGet(i),
        if *elem == Type::Bool {
            I::ArrayGetU(src_ty)
        } else {
            I::ArrayGet(src_ty)
        },
    ]);
    convert_element(m, elem, to, f);
    f.extend([
        I::ArraySet(dst_ty),
        I::LocalGet(i),
        I::I32Const(1),
        I::I32Add,
        I::LocalSet(i),
        I::Br(0),
        I::End,
        I::End,
    ]);
    f.release(i, ValType::I32);
}

/// The element type of a list type (`<None>` for `<Empty>`, which has none).
fn elem_of(t: &Type) -> Type {
    match t {
        Type::List(e) => (**e).clone(),
        _ => Type::None,
    }
}

/// A helper made on demand.
pub(crate) fn helper(m: &mut Ctx, h: &Helper) -> Built {
    let i32_ = ValType::I32;
    match h {
        Helper::Repr(t) => crate::repr::repr(m, t),
        // list_concat(a, b, site) -> a + b: None is an error; elements are boxed
        // when the result holds objects and an operand ints or bools.
        Helper::ListConcat { a, b, result } => {
            let (ta, tb) = (m.t.val(a), m.t.val(b));
            let tr = nullable(m.t.list(result));
            let rl = m.t.list(result);
            let mut f = Fb::new(&[("a", ta), ("b", tb), ("site", i32_)]);
            let r = f.local("result", tr);
            let la = f.local("len_a", i32_);
            f.extend([
                I::LocalGet(0),
                I::RefIsNull,
                I::LocalGet(1),
                I::RefIsNull,
                I::I32Or,
                I::If(BlockType::Empty),
            ]);
            raise(
                RuntimeError::OperationOnNone,
                |f| f.push(I::LocalGet(2)),
                &mut f,
            );
            f.extend([
                I::End,
                I::LocalGet(0),
                I::ArrayLen,
                I::LocalTee(la),
                I::LocalGet(1),
                I::ArrayLen,
                I::I32Add,
                I::ArrayNewDefault(rl),
                I::LocalSet(r),
            ]);
            if *a != Type::Empty {
                copy_into(m, r, result, None, 0, &elem_of(a), &mut f);
            }
            if *b != Type::Empty {
                copy_into(m, r, result, Some(la), 1, &elem_of(b), &mut f);
            }
            f.push(I::LocalGet(r));
            let ty = m.t.func(vec![ta, tb, i32_], vec![tr]);
            (ty, format!("list_concat${}", m.helpers.len()), f.finish())
        }
        // list_convert(x) -> a list of the target type with x's elements (all None):
        // how a `[<None>]` or `[]` value becomes a list of another element type.
        Helper::ListConvert { from, to } => {
            let tf = m.t.val(from);
            let tl = m.t.list(to);
            let tr = nullable(tl);
            let mut f = Fb::new(&[("x", tf)]);
            f.extend([
                I::LocalGet(0),
                I::RefIsNull,
                I::If(BlockType::Result(tr)),
                I::RefNull(HeapType::Concrete(tl)),
                I::Else,
                I::LocalGet(0),
                I::ArrayLen,
                I::ArrayNewDefault(tl),
                I::End,
            ]);
            let _ = NULLREF;
            let ty = m.t.func(vec![tf], vec![tr]);
            (ty, format!("list_convert${}", m.helpers.len()), f.finish())
        }
    }
}
