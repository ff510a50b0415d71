//! The runtime: WebAssembly functions every module carries (buffered output,
//! printing, input, allocation, strings, lists, runtime errors), written directly as
//! instructions.

use crate::{
    Layout, Rt, RuntimeError, BOOL_TAG, G, INT_TAG, IOBUF, IORESULT, IOVEC, LIST_TAG, NUMBUF_END,
    PAGE, STR_TAG,
};
use wasm_encoder::{BlockType, Function, InstructionSink, MemArg, ValType};

/// A memory access of a word at `offset` bytes.
pub(crate) fn word(offset: u64) -> MemArg {
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

/// `error(code, site)`: the message and exit; the stack is then unreachable.
pub(crate) fn raise(s: &mut InstructionSink, e: RuntimeError, site: i32) {
    s.i32_const(e.code())
        .i32_const(site)
        .call(Rt::Error as u32)
        .unreachable();
}

/// `error(code, site)` with the site id in local `site`.
fn raise_at_local(s: &mut InstructionSink, e: RuntimeError, site: u32) {
    s.i32_const(e.code())
        .local_get(site)
        .call(Rt::Error as u32)
        .unreachable();
}

/// The address and length of the bytes of static string `text`.
fn bytes_of(layout: &Layout, text: &str) -> (i32, i32) {
    (layout.strings[text] + 8, text.len() as i32)
}

/// The signature (params, results), name and body of runtime function `rt`.
pub(crate) fn build(rt: Rt, layout: &Layout) -> (u32, u32, &'static str, Function) {
    match rt {
        // write_fd(fd, ptr, len): fd_write(fd, iovec, 1, result)
        Rt::WriteFd => {
            let mut f = Function::new([]);
            f.instructions()
                .i32_const(IOVEC)
                .local_get(1)
                .i32_store(word(0))
                .i32_const(IOVEC)
                .local_get(2)
                .i32_store(word(4))
                .local_get(0)
                .i32_const(IOVEC)
                .i32_const(1)
                .i32_const(IORESULT)
                .call(Rt::FdWrite as u32)
                .drop()
                .end();
            (3, 0, "write_fd", f)
        }
        // flush(): writes the output buffer.
        Rt::Flush => {
            let mut f = Function::new([]);
            f.instructions()
                .global_get(G::OutLen as u32)
                .if_(BlockType::Empty)
                .i32_const(1)
                .i32_const(layout.outbuf)
                .global_get(G::OutLen as u32)
                .call(Rt::WriteFd as u32)
                .i32_const(0)
                .global_set(G::OutLen as u32)
                .end()
                .end();
            (0, 0, "flush", f)
        }
        // out(ptr, len): appends to the output buffer, flushing when full.
        Rt::Out => {
            let mut f = Function::new([]);
            f.instructions()
                .global_get(G::OutLen as u32)
                .local_get(1)
                .i32_add()
                .i32_const(IOBUF as i32)
                .i32_gt_u()
                .if_(BlockType::Empty)
                .call(Rt::Flush as u32)
                .end()
                .local_get(1)
                .i32_const(IOBUF as i32)
                .i32_gt_u()
                .if_(BlockType::Empty)
                .i32_const(1)
                .local_get(0)
                .local_get(1)
                .call(Rt::WriteFd as u32)
                .return_()
                .end()
                .i32_const(layout.outbuf)
                .global_get(G::OutLen as u32)
                .i32_add()
                .local_get(0)
                .local_get(1)
                .memory_copy(0, 0)
                .global_get(G::OutLen as u32)
                .local_get(1)
                .i32_add()
                .global_set(G::OutLen as u32)
                .end();
            (2, 0, "out", f)
        }
        // print_int(n): decimal digits and a newline; the magnitude is taken unsigned
        // so that -2^31 prints correctly.
        Rt::PrintInt => {
            // locals: 1 pos, 2 magnitude, 3 negative
            let mut f = Function::new([(3, ValType::I32)]);
            f.instructions()
                .i32_const(NUMBUF_END - 1)
                .local_set(1)
                .local_get(1)
                .i32_const(b'\n' as i32)
                .i32_store8(byte(0))
                .local_get(0)
                .i32_const(0)
                .i32_lt_s()
                .local_set(3)
                .local_get(3)
                .if_(BlockType::Result(ValType::I32))
                .i32_const(0)
                .local_get(0)
                .i32_sub()
                .else_()
                .local_get(0)
                .end()
                .local_set(2)
                .loop_(BlockType::Empty)
                .local_get(1)
                .i32_const(1)
                .i32_sub()
                .local_tee(1)
                .local_get(2)
                .i32_const(10)
                .i32_rem_u()
                .i32_const(b'0' as i32)
                .i32_add()
                .i32_store8(byte(0))
                .local_get(2)
                .i32_const(10)
                .i32_div_u()
                .local_tee(2)
                .br_if(0)
                .end()
                .local_get(3)
                .if_(BlockType::Empty)
                .local_get(1)
                .i32_const(1)
                .i32_sub()
                .local_tee(1)
                .i32_const(b'-' as i32)
                .i32_store8(byte(0))
                .end()
                .local_get(1)
                .i32_const(NUMBUF_END)
                .local_get(1)
                .i32_sub()
                .call(Rt::Out as u32)
                .end();
            (1, 0, "print_int", f)
        }
        Rt::PrintBool => {
            let (t, tl) = bytes_of(layout, "True\n");
            let (fl, fll) = bytes_of(layout, "False\n");
            let mut f = Function::new([]);
            f.instructions()
                .i32_const(t)
                .i32_const(fl)
                .local_get(0)
                .select()
                .i32_const(tl)
                .i32_const(fll)
                .local_get(0)
                .select()
                .call(Rt::Out as u32)
                .end();
            (1, 0, "print_bool", f)
        }
        Rt::PrintStr => {
            let (nl, nll) = bytes_of(layout, "\n");
            let mut f = Function::new([]);
            f.instructions()
                .local_get(0)
                .i32_const(8)
                .i32_add()
                .local_get(0)
                .i32_load(word(4))
                .call(Rt::Out as u32)
                .i32_const(nl)
                .i32_const(nll)
                .call(Rt::Out as u32)
                .end();
            (1, 0, "print_str", f)
        }
        // print_object(x, site): prints a boxed int or bool or a string; anything
        // else (None, objects, lists) is an invalid argument (manual 2.8.6).
        Rt::PrintObject => {
            // locals: 2 tag
            let mut f = Function::new([(1, ValType::I32)]);
            let mut s = f.instructions();
            s.local_get(0).i32_eqz().if_(BlockType::Empty);
            raise(&mut s, RuntimeError::InvalidArgument, 0);
            s.end();
            s.local_get(0)
                .i32_load(word(0))
                .local_tee(2)
                .i32_const(INT_TAG)
                .i32_eq()
                .if_(BlockType::Empty)
                .local_get(0)
                .i32_load(word(4))
                .call(Rt::PrintInt as u32)
                .return_()
                .end()
                .local_get(2)
                .i32_const(BOOL_TAG)
                .i32_eq()
                .if_(BlockType::Empty)
                .local_get(0)
                .i32_load(word(4))
                .call(Rt::PrintBool as u32)
                .return_()
                .end()
                .local_get(2)
                .i32_const(STR_TAG)
                .i32_eq()
                .if_(BlockType::Empty)
                .local_get(0)
                .call(Rt::PrintStr as u32)
                .return_()
                .end();
            raise_at_local(&mut s, RuntimeError::InvalidArgument, 1);
            s.end();
            (2, 0, "print_object", f)
        }
        // error(code, site): the message on stdout, the site and message on stderr,
        // then exit with the code.
        Rt::Error => {
            let (nl, nll) = bytes_of(layout, "\n");
            let (sep, sepl) = bytes_of(layout, ": ");
            let mut f = Function::new([]);
            let msg = |s: &mut InstructionSink| {
                s.local_get(0)
                    .i32_const(3)
                    .i32_shl()
                    .i32_const(layout.messages)
                    .i32_add()
                    .i32_load(word(0))
                    .local_get(0)
                    .i32_const(3)
                    .i32_shl()
                    .i32_const(layout.messages)
                    .i32_add()
                    .i32_load(word(4));
            };
            let mut s = f.instructions();
            msg(&mut s);
            s.call(Rt::Out as u32)
                .i32_const(nl)
                .i32_const(nll)
                .call(Rt::Out as u32)
                .call(Rt::Flush as u32)
                .local_get(1)
                .if_(BlockType::Empty)
                .i32_const(2)
                .local_get(1)
                .i32_const(3)
                .i32_shl()
                .i32_const(layout.sites)
                .i32_add()
                .i32_load(word(0))
                .local_get(1)
                .i32_const(3)
                .i32_shl()
                .i32_const(layout.sites)
                .i32_add()
                .i32_load(word(4))
                .call(Rt::WriteFd as u32)
                .i32_const(2)
                .i32_const(sep)
                .i32_const(sepl)
                .call(Rt::WriteFd as u32)
                .i32_const(2);
            msg(&mut s);
            s.call(Rt::WriteFd as u32)
                .i32_const(2)
                .i32_const(nl)
                .i32_const(nll)
                .call(Rt::WriteFd as u32)
                .end()
                .local_get(0)
                .call(Rt::ProcExit as u32)
                .unreachable()
                .end();
            (2, 0, "error", f)
        }
        // alloc(size) -> ptr: bump allocation, 8-aligned, growing memory on demand up
        // to the limit (doubling it when possible, to grow rarely); fresh memory is
        // zeroed by WebAssembly.
        Rt::Alloc => {
            // locals: 1 ptr, 2 new end, 3 current memory end, 4 pages needed
            let mut f = Function::new([(4, ValType::I32)]);
            let limit = layout.limit_bytes as i32;
            let mut s = f.instructions();
            s.local_get(0)
                .i32_const(limit)
                .i32_gt_u()
                .if_(BlockType::Empty);
            raise(&mut s, RuntimeError::OutOfMemory, 0);
            s.end()
                .global_get(G::Heap as u32)
                .local_tee(1)
                .local_get(0)
                .i32_add()
                .i32_const(7)
                .i32_add()
                .i32_const(-8)
                .i32_and()
                .local_tee(2)
                .memory_size(0)
                .i32_const(16)
                .i32_shl()
                .local_tee(3)
                .i32_gt_u()
                .if_(BlockType::Empty)
                .local_get(2)
                .i32_const(limit)
                .i32_gt_u()
                .local_get(2)
                .local_get(1)
                .i32_lt_u()
                .i32_or()
                .if_(BlockType::Empty);
            raise(&mut s, RuntimeError::OutOfMemory, 0);
            // pages = (new - end + 65535) >> 16; try max(pages, current) first.
            s.end()
                .local_get(2)
                .local_get(3)
                .i32_sub()
                .i32_const((PAGE - 1) as i32)
                .i32_add()
                .i32_const(16)
                .i32_shr_u()
                .local_tee(4)
                .memory_size(0)
                .local_get(4)
                .memory_size(0)
                .i32_gt_u()
                .select()
                .memory_grow(0)
                .i32_const(-1)
                .i32_eq()
                .if_(BlockType::Empty)
                .local_get(4)
                .memory_grow(0)
                .i32_const(-1)
                .i32_eq()
                .if_(BlockType::Empty);
            raise(&mut s, RuntimeError::OutOfMemory, 0);
            s.end()
                .end()
                .end()
                .local_get(2)
                .global_set(G::Heap as u32)
                .local_get(1)
                .end();
            (1, 1, "alloc", f)
        }
        // box_int(v) -> object holding v.
        Rt::BoxInt => {
            let mut f = Function::new([(1, ValType::I32)]);
            f.instructions()
                .i32_const(8)
                .call(Rt::Alloc as u32)
                .local_tee(1)
                .i32_const(INT_TAG)
                .i32_store(word(0))
                .local_get(1)
                .local_get(0)
                .i32_store(word(4))
                .local_get(1)
                .end();
            (1, 1, "box_int", f)
        }
        // str_concat(a, b) -> a + b
        Rt::StrConcat => {
            // locals: 2 result, 3 len a
            let mut f = Function::new([(2, ValType::I32)]);
            f.instructions()
                .local_get(0)
                .i32_load(word(4))
                .local_tee(3)
                .local_get(1)
                .i32_load(word(4))
                .i32_add()
                .i32_const(8)
                .i32_add()
                .call(Rt::Alloc as u32)
                .local_tee(2)
                .i32_const(STR_TAG)
                .i32_store(word(0))
                .local_get(2)
                .local_get(3)
                .local_get(1)
                .i32_load(word(4))
                .i32_add()
                .i32_store(word(4))
                .local_get(2)
                .i32_const(8)
                .i32_add()
                .local_get(0)
                .i32_const(8)
                .i32_add()
                .local_get(3)
                .memory_copy(0, 0)
                .local_get(2)
                .i32_const(8)
                .i32_add()
                .local_get(3)
                .i32_add()
                .local_get(1)
                .i32_const(8)
                .i32_add()
                .local_get(1)
                .i32_load(word(4))
                .memory_copy(0, 0)
                .local_get(2)
                .end();
            (2, 1, "str_concat", f)
        }
        // str_eq(a, b) -> a == b (same length, same bytes)
        Rt::StrEq => {
            // locals: 2 index, 3 length
            let mut f = Function::new([(2, ValType::I32)]);
            f.instructions()
                .local_get(0)
                .local_get(1)
                .i32_eq()
                .if_(BlockType::Empty)
                .i32_const(1)
                .return_()
                .end()
                .local_get(0)
                .i32_load(word(4))
                .local_tee(3)
                .local_get(1)
                .i32_load(word(4))
                .i32_ne()
                .if_(BlockType::Empty)
                .i32_const(0)
                .return_()
                .end()
                .block(BlockType::Empty)
                .loop_(BlockType::Empty)
                .local_get(2)
                .local_get(3)
                .i32_ge_u()
                .br_if(1)
                .local_get(0)
                .local_get(2)
                .i32_add()
                .i32_load8_u(byte(8))
                .local_get(1)
                .local_get(2)
                .i32_add()
                .i32_load8_u(byte(8))
                .i32_ne()
                .if_(BlockType::Empty)
                .i32_const(0)
                .return_()
                .end()
                .local_get(2)
                .i32_const(1)
                .i32_add()
                .local_set(2)
                .br(0)
                .end()
                .end()
                .i32_const(1)
                .end();
            (2, 1, "str_eq", f)
        }
        // list_concat(a, b, box_a, box_b, site) -> a + b; box_x is 1 (2) when x's
        // ints (bools) must become objects in the result.
        Rt::ListConcat => {
            // locals: 5 result, 6 len a, 7 len b, 8 element
            let mut f = Function::new([(4, ValType::I32)]);
            let mut s = f.instructions();
            s.local_get(0)
                .i32_eqz()
                .local_get(1)
                .i32_eqz()
                .i32_or()
                .if_(BlockType::Empty);
            raise_at_local(&mut s, RuntimeError::OperationOnNone, 4);
            s.end();
            s.local_get(0)
                .i32_load(word(4))
                .local_set(6)
                .local_get(1)
                .i32_load(word(4))
                .local_set(7)
                .local_get(6)
                .local_get(7)
                .i32_add()
                .i32_const(2)
                .i32_shl()
                .i32_const(8)
                .i32_add()
                .call(Rt::Alloc as u32)
                .local_tee(5)
                .i32_const(LIST_TAG)
                .i32_store(word(0))
                .local_get(5)
                .local_get(6)
                .local_get(7)
                .i32_add()
                .i32_store(word(4));
            // Copies (src list, count, box mode local) to dst offset.
            let copy =
                |s: &mut InstructionSink, src: u32, len: u32, mode: u32, dst_off: Option<u32>| {
                    // dst = result + 8 (+ 4 * len a)
                    let dst = |s: &mut InstructionSink| {
                        s.local_get(5).i32_const(8).i32_add();
                        if let Some(off) = dst_off {
                            s.local_get(off).i32_const(2).i32_shl().i32_add();
                        }
                    };
                    s.local_get(mode).i32_eqz().if_(BlockType::Empty);
                    dst(s);
                    s.local_get(src)
                        .i32_const(8)
                        .i32_add()
                        .local_get(len)
                        .i32_const(2)
                        .i32_shl()
                        .memory_copy(0, 0)
                        .else_();
                    // Element by element, boxing: reuse `len` as a countdown.
                    s.block(BlockType::Empty).loop_(BlockType::Empty);
                    s.local_get(len).i32_eqz().br_if(1);
                    s.local_get(len).i32_const(1).i32_sub().local_set(len);
                    dst(s);
                    s.local_get(len).i32_const(2).i32_shl().i32_add();
                    s.local_get(src)
                        .local_get(len)
                        .i32_const(2)
                        .i32_shl()
                        .i32_add()
                        .i32_load(word(8))
                        .local_set(8);
                    // mode 1: box_int; mode 2: static bool boxes.
                    s.local_get(mode)
                        .i32_const(1)
                        .i32_eq()
                        .if_(BlockType::Result(ValType::I32))
                        .local_get(8)
                        .call(Rt::BoxInt as u32)
                        .else_()
                        .i32_const(layout.true_box)
                        .i32_const(layout.false_box)
                        .local_get(8)
                        .select()
                        .end()
                        .i32_store(word(0))
                        .br(0)
                        .end()
                        .end()
                        .end();
                };
            copy(&mut s, 0, 6, 2, None);
            // Length of a again (the loop above may have counted it down).
            s.local_get(0).i32_load(word(4)).local_set(6);
            copy(&mut s, 1, 7, 3, Some(6));
            s.local_get(5).end();
            (5, 1, "list_concat", f)
        }
        // len(x, site): the length of a string or list; None and anything else are
        // invalid arguments.
        Rt::Len => {
            let mut f = Function::new([]);
            let mut s = f.instructions();
            s.local_get(0)
                .if_(BlockType::Empty)
                .local_get(0)
                .i32_load(word(0))
                .i32_const(STR_TAG)
                .i32_eq()
                .local_get(0)
                .i32_load(word(0))
                .i32_const(LIST_TAG)
                .i32_eq()
                .i32_or()
                .if_(BlockType::Empty)
                .local_get(0)
                .i32_load(word(4))
                .return_()
                .end()
                .end();
            raise_at_local(&mut s, RuntimeError::InvalidArgument, 1);
            s.end();
            (2, 1, "len", f)
        }
        // input() -> the next line of stdin with its newline, "" at the end.
        Rt::Input => {
            // locals: 0 result, 1 length, 2 capacity, 3 byte, 4 new result
            let mut f = Function::new([(5, ValType::I32)]);
            let mut s = f.instructions();
            s.call(Rt::Flush as u32);
            s.i32_const(64)
                .local_set(2)
                .i32_const(8 + 64)
                .call(Rt::Alloc as u32)
                .local_set(0)
                .block(BlockType::Empty)
                .loop_(BlockType::Empty)
                // Refill the buffer when empty; stop at end of input.
                .global_get(G::InPos as u32)
                .global_get(G::InLen as u32)
                .i32_ge_u()
                .if_(BlockType::Empty)
                .i32_const(IOVEC)
                .i32_const(layout.inbuf)
                .i32_store(word(0))
                .i32_const(IOVEC)
                .i32_const(IOBUF as i32)
                .i32_store(word(4))
                .i32_const(0)
                .i32_const(IOVEC)
                .i32_const(1)
                .i32_const(IORESULT)
                .call(Rt::FdRead as u32)
                .drop()
                .i32_const(0)
                .global_set(G::InPos as u32)
                .i32_const(IORESULT)
                .i32_load(word(0))
                .global_set(G::InLen as u32)
                .global_get(G::InLen as u32)
                .i32_eqz()
                .br_if(2)
                .end()
                .global_get(G::InPos as u32)
                .i32_load8_u(byte(layout.inbuf as u64))
                .local_set(3)
                .global_get(G::InPos as u32)
                .i32_const(1)
                .i32_add()
                .global_set(G::InPos as u32)
                // Grow the result when full.
                .local_get(1)
                .local_get(2)
                .i32_ge_u()
                .if_(BlockType::Empty)
                .local_get(2)
                .i32_const(1)
                .i32_shl()
                .local_tee(2)
                .i32_const(8)
                .i32_add()
                .call(Rt::Alloc as u32)
                .local_tee(4)
                .i32_const(8)
                .i32_add()
                .local_get(0)
                .i32_const(8)
                .i32_add()
                .local_get(1)
                .memory_copy(0, 0)
                .local_get(4)
                .local_set(0)
                .end()
                .local_get(0)
                .local_get(1)
                .i32_add()
                .local_get(3)
                .i32_store8(byte(8))
                .local_get(1)
                .i32_const(1)
                .i32_add()
                .local_set(1)
                .local_get(3)
                .i32_const(b'\n' as i32)
                .i32_ne()
                .br_if(0)
                .end()
                .end()
                .local_get(0)
                .i32_const(STR_TAG)
                .i32_store(word(0))
                .local_get(0)
                .local_get(1)
                .i32_store(word(4))
                .local_get(0)
                .end();
            (0, 1, "input", f)
        }
        // object.__init__(self): does nothing, returns None.
        Rt::ObjectInit => {
            let mut f = Function::new([]);
            f.instructions().i32_const(0).end();
            (1, 1, "object.__init__", f)
        }
        Rt::FdWrite | Rt::FdRead | Rt::ProcExit => unreachable!("imported, not built"),
    }
}
