//! The runtime: WebAssembly functions every module carries (printing, allocation,
//! Python division, runtime errors), written directly as instructions.

use crate::{Layout, Rt, RuntimeError, IOVEC, NUMBUF_END, NWRITTEN, PAGE};
use wasm_encoder::{BlockType, Function, MemArg, ValType};

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        memory_index: 0,
    }
}

/// Emits `error(code, msg)`: prints the message and exits.
pub(crate) fn raise(f: &mut Function, layout: &Layout, e: RuntimeError) {
    let (ptr, len) = layout.string(e.message());
    f.instructions()
        .i32_const(e.code())
        .i32_const(ptr)
        .i32_const(len)
        .call(Rt::Error as u32)
        .unreachable();
}

/// The signature (params, results), name and body of runtime function `rt`.
pub(crate) fn build(rt: Rt, layout: &Layout) -> (u32, u32, &'static str, Function) {
    match rt {
        // write(ptr, len): fd_write(1, iovec, 1, nwritten)
        Rt::Write => {
            let mut f = Function::new([]);
            f.instructions()
                .i32_const(IOVEC)
                .local_get(0)
                .i32_store(mem(0, 2))
                .i32_const(IOVEC)
                .local_get(1)
                .i32_store(mem(4, 2))
                .i32_const(1)
                .i32_const(IOVEC)
                .i32_const(1)
                .i32_const(NWRITTEN)
                .call(Rt::FdWrite as u32)
                .drop()
                .end();
            (2, 0, "write", f)
        }
        // print_int(n): decimal digits and a newline; the magnitude is taken unsigned
        // so that -2^31 prints correctly.
        Rt::PrintInt => {
            // locals: 1 pos, 2 magnitude, 3 negative
            let mut f = Function::new([(3, ValType::I32)]);
            let mut s = f.instructions();
            s.i32_const(NUMBUF_END - 1)
                .local_set(1)
                .local_get(1)
                .i32_const(b'\n' as i32)
                .i32_store8(mem(0, 0))
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
                .i32_store8(mem(0, 0))
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
                .i32_store8(mem(0, 0))
                .end()
                .local_get(1)
                .i32_const(NUMBUF_END)
                .local_get(1)
                .i32_sub()
                .call(Rt::Write as u32)
                .end();
            (1, 0, "print_int", f)
        }
        Rt::PrintBool => {
            let (t, tl) = layout.string("True\n");
            let (fl, fll) = layout.string("False\n");
            let mut f = Function::new([]);
            f.instructions()
                .local_get(0)
                .if_(BlockType::Empty)
                .i32_const(t)
                .i32_const(tl)
                .call(Rt::Write as u32)
                .else_()
                .i32_const(fl)
                .i32_const(fll)
                .call(Rt::Write as u32)
                .end()
                .end();
            (1, 0, "print_bool", f)
        }
        // print_object(p): the subset has no printable objects: None (and anything
        // else) is an invalid argument (manual 2.8.6).
        Rt::PrintObject => {
            let mut f = Function::new([]);
            raise(&mut f, layout, RuntimeError::InvalidArgument);
            f.instructions().end();
            (1, 0, "print_object", f)
        }
        // error(code, ptr, len): message and newline on stdout, then exit.
        Rt::Error => {
            let (nl, nll) = layout.string("\n");
            let mut f = Function::new([]);
            f.instructions()
                .local_get(1)
                .local_get(2)
                .call(Rt::Write as u32)
                .i32_const(nl)
                .i32_const(nll)
                .call(Rt::Write as u32)
                .local_get(0)
                .call(Rt::ProcExit as u32)
                .unreachable()
                .end();
            (3, 0, "error", f)
        }
        // alloc(size) -> ptr: bump allocation, 8-aligned, growing memory on demand
        // up to the limit; fresh memory is zeroed by WebAssembly.
        Rt::Alloc => {
            // locals: 1 ptr, 2 new end, 3 current memory end
            let mut f = Function::new([(3, ValType::I32)]);
            let limit_bytes = (layout.limit_pages as u64 * PAGE).min(u32::MAX as u64) as u32;
            f.instructions()
                .local_get(0)
                .i32_const(limit_bytes as i32)
                .i32_gt_u()
                .if_(BlockType::Empty);
            raise(&mut f, layout, RuntimeError::OutOfMemory);
            f.instructions()
                .end()
                .global_get(layout.heap_global)
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
                // pages = (new - end + 65535) >> 16
                .local_get(2)
                .local_get(3)
                .i32_sub()
                .i32_const(65535)
                .i32_add()
                .i32_const(16)
                .i32_shr_u()
                .memory_grow(0)
                .i32_const(-1)
                .i32_eq()
                .local_get(2)
                .i32_const(limit_bytes as i32)
                .i32_gt_u()
                .i32_or()
                .if_(BlockType::Empty);
            raise(&mut f, layout, RuntimeError::OutOfMemory);
            f.instructions()
                .end()
                .end()
                .local_get(2)
                .global_set(layout.heap_global)
                .local_get(1)
                .end();
            (1, 1, "alloc", f)
        }
        // floordiv(a, b): Python's a // b on 32-bit ints, wrapping for -2^31 // -1.
        Rt::FloorDiv => {
            // locals: 2 quotient
            let mut f = Function::new([(1, ValType::I32)]);
            zero_check(&mut f, layout);
            f.instructions()
                .local_get(1)
                .i32_const(-1)
                .i32_eq()
                .if_(BlockType::Empty)
                .i32_const(0)
                .local_get(0)
                .i32_sub()
                .return_()
                .end()
                .local_get(0)
                .local_get(1)
                .i32_div_s()
                .local_set(2)
                // if a % b != 0 and (a ^ b) < 0: q -= 1
                .local_get(0)
                .local_get(1)
                .i32_rem_s()
                .i32_const(0)
                .i32_ne()
                .local_get(0)
                .local_get(1)
                .i32_xor()
                .i32_const(0)
                .i32_lt_s()
                .i32_and()
                .if_(BlockType::Empty)
                .local_get(2)
                .i32_const(1)
                .i32_sub()
                .local_set(2)
                .end()
                .local_get(2)
                .end();
            (2, 1, "floordiv", f)
        }
        // mod(a, b): Python's a % b: the result has the sign of b.
        Rt::Mod => {
            // locals: 2 remainder
            let mut f = Function::new([(1, ValType::I32)]);
            zero_check(&mut f, layout);
            f.instructions()
                .local_get(0)
                .local_get(1)
                .i32_rem_s()
                .local_tee(2)
                .i32_const(0)
                .i32_ne()
                .local_get(2)
                .local_get(1)
                .i32_xor()
                .i32_const(0)
                .i32_lt_s()
                .i32_and()
                .if_(BlockType::Empty)
                .local_get(2)
                .local_get(1)
                .i32_add()
                .local_set(2)
                .end()
                .local_get(2)
                .end();
            (2, 1, "mod", f)
        }
        Rt::FdWrite | Rt::ProcExit => unreachable!("imported, not built"),
    }
}

/// `if b == 0: error(Division by zero)` for the second parameter.
fn zero_check(f: &mut Function, layout: &Layout) {
    f.instructions()
        .local_get(1)
        .i32_eqz()
        .if_(BlockType::Empty);
    raise(f, layout, RuntimeError::DivisionByZero);
    f.instructions().end();
}
