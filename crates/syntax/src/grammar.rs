//! The ChocoPy grammar (reference manual v2.2, chapter 4, Figure 3) as a recursive
//! descent parser over [`Parser`], with a Pratt loop for expressions using the
//! precedence table of section 4.1.
//!
//! Parsing never fails: on an unexpected token the parser reports an error in the
//! reference implementation's words ("Parse error near token ..."), wraps what it
//! skips in an `ERROR` node and goes on, so that later errors are reported too.

use crate::parser::{CompletedMarker, Parser, MAX_DEPTH, MAX_TREE_DEPTH};
use crate::SyntaxKind::{self, *};

/// `program ::= [var_def | func_def | class_def]* stmt*`
pub fn source_file(p: &mut Parser) {
    let m = p.start();
    let mut seen_stmt = false;
    while !p.at_end() {
        item(p, Scope::Program, &mut seen_stmt);
    }
    m.complete(p, SOURCE_FILE);
}

/// Where a suite of items is: which declarations it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Program,
    Function,
    Class,
    Statements,
}

fn is_var_def_start(p: &Parser) -> bool {
    p.at(IDENT) && p.nth(1) == COLON
}

/// One declaration or statement of a suite in `scope`. Declarations after the first
/// statement are reported (the grammar puts them first) but still parsed.
fn item(p: &mut Parser, scope: Scope, seen_stmt: &mut bool) {
    let decl_allowed = |p: &mut Parser, ok_here: bool, seen_stmt: bool| {
        if !ok_here || seen_stmt {
            p.error_here();
        }
    };
    match p.current() {
        IDENT if is_var_def_start(p) => {
            if scope == Scope::Statements || *seen_stmt {
                // The reference parser reads `x` as an expression and fails at `:`.
                let msg = p.unexpected_message_at(1);
                p.error_at(1, msg);
            }
            var_def(p);
        }
        DEF_KW => {
            decl_allowed(p, scope != Scope::Statements, *seen_stmt);
            func_def(p);
        }
        CLASS_KW => {
            decl_allowed(p, scope == Scope::Program, *seen_stmt);
            class_def(p);
        }
        GLOBAL_KW | NONLOCAL_KW => {
            decl_allowed(p, scope == Scope::Function, *seen_stmt);
            let kind = if p.at(GLOBAL_KW) {
                GLOBAL_DECL
            } else {
                NONLOCAL_DECL
            };
            let m = p.start();
            p.bump();
            p.expect(IDENT);
            end_of_line(p);
            m.complete(p, kind);
        }
        PASS_KW if scope == Scope::Class => {
            let m = p.start();
            p.bump();
            end_of_line(p);
            m.complete(p, PASS_STMT);
        }
        INDENT | DEDENT | NEWLINE => {
            // Stray layout token (bad indentation): report and skip it.
            p.error_here();
            let m = p.start();
            p.bump();
            m.complete(p, ERROR);
        }
        _ => {
            if scope == Scope::Class {
                p.error_here();
                p.recover_line();
                return;
            }
            *seen_stmt = true;
            stmt(p);
        }
    }
}

/// `var_def ::= typed_var = literal NEWLINE`
fn var_def(p: &mut Parser) {
    let m = p.start();
    typed_var(p);
    if p.expect(EQ) {
        literal_only(p);
    }
    end_of_line(p);
    m.complete(p, VAR_DEF);
}

/// A literal where the grammar wants one (variable initialisers).
fn literal_only(p: &mut Parser) {
    match p.current() {
        NONE_KW | TRUE_KW | FALSE_KW | INT_NUMBER | STRING | IDSTRING => {
            let m = p.start();
            p.bump();
            m.complete(p, LITERAL);
        }
        _ => {
            p.error_here();
            // Parse an expression anyway so that the tree is useful.
            if !p.at(NEWLINE) && !p.at_end() {
                expr(p);
            }
        }
    }
}

/// `typed_var ::= ID : type`
fn typed_var(p: &mut Parser) {
    let m = p.start();
    p.expect(IDENT);
    if p.expect(COLON) {
        type_annotation(p);
    }
    m.complete(p, TYPED_VAR);
}

/// `type ::= ID | IDSTRING | [ type ]`
fn type_annotation(p: &mut Parser) {
    match p.current() {
        IDENT | IDSTRING => {
            let m = p.start();
            p.bump();
            m.complete(p, NAME_TYPE);
        }
        L_BRACK => {
            if p.depth >= MAX_DEPTH {
                p.too_deep("Type annotation");
                return;
            }
            p.depth += 1;
            let m = p.start();
            p.bump();
            type_annotation(p);
            p.expect(R_BRACK);
            m.complete(p, LIST_TYPE);
            p.depth -= 1;
        }
        _ => p.error_here(),
    }
}

/// `func_def ::= def ID ( [typed_var [, typed_var]*]? ) [-> type]? : NEWLINE INDENT func_body DEDENT`
fn func_def(p: &mut Parser) {
    let m = p.start();
    p.bump(); // def
    p.expect(IDENT);
    let params = p.start();
    if p.expect(L_PAREN) {
        if !p.at(R_PAREN) {
            typed_var(p);
            while p.eat(COMMA) {
                typed_var(p);
            }
        }
        p.expect(R_PAREN);
    }
    params.complete(p, PARAM_LIST);
    if p.at(ARROW) {
        let r = p.start();
        p.bump();
        type_annotation(p);
        r.complete(p, RET_TYPE);
    }
    p.expect(COLON);
    block(p, Scope::Function);
    m.complete(p, FUNC_DEF);
}

/// `class_def ::= class ID ( ID ) : NEWLINE INDENT class_body DEDENT`
fn class_def(p: &mut Parser) {
    let m = p.start();
    p.bump(); // class
    p.expect(IDENT);
    if p.expect(L_PAREN) {
        p.expect(IDENT);
        p.expect(R_PAREN);
    }
    p.expect(COLON);
    block(p, Scope::Class);
    m.complete(p, CLASS_DEF);
}

/// `NEWLINE INDENT item+ DEDENT`, the items allowed by `scope`.
fn block(p: &mut Parser, scope: Scope) {
    let m = p.start();
    if !p.eat(NEWLINE) {
        // Something after the colon on the same line: not ChocoPy.
        p.error_here();
        p.recover_line();
    }
    if p.depth >= MAX_DEPTH {
        p.error(format!(
            "Blocks too deeply nested (more than {MAX_DEPTH} levels)"
        ));
        skip_block(p);
        m.complete(p, BLOCK);
        return;
    }
    if !p.eat(INDENT) {
        let msg = p.unexpected_message();
        p.error_labelled(0, msg, "expected an indented block".into());
        m.complete(p, BLOCK);
        return;
    }
    p.depth += 1;
    let mut seen_stmt = false;
    let mut count = 0;
    while !p.at_end() && !p.at(DEDENT) {
        item(p, scope, &mut seen_stmt);
        count += 1;
    }
    if count == 0 {
        p.error_here();
    } else if scope == Scope::Function && !seen_stmt {
        // `func_body` ends with `stmt+` (manual 4, Figure 3).
        let msg = p.unexpected_message();
        p.error_labelled(
            0,
            msg,
            "a function body needs at least one statement".into(),
        );
    }
    p.eat(DEDENT);
    p.depth -= 1;
    m.complete(p, BLOCK);
}

/// Skips an indented block without parsing it (after a nesting-depth error).
fn skip_block(p: &mut Parser) {
    if !p.at(INDENT) {
        return;
    }
    let e = p.start();
    let mut level = 0usize;
    while !p.at_end() {
        match p.current() {
            INDENT => level += 1,
            DEDENT => level -= 1,
            _ => {}
        }
        p.bump();
        if level == 0 {
            break;
        }
    }
    e.complete(p, ERROR);
}

/// `stmt ::= simple_stmt NEWLINE | if ... | while ... | for ...`
fn stmt(p: &mut Parser) {
    match p.current() {
        IF_KW => if_stmt(p),
        WHILE_KW => {
            let m = p.start();
            p.bump();
            expr(p);
            p.expect(COLON);
            block(p, Scope::Statements);
            m.complete(p, WHILE_STMT);
        }
        FOR_KW => {
            let m = p.start();
            p.bump();
            p.expect(IDENT);
            p.expect(IN_KW);
            expr(p);
            p.expect(COLON);
            block(p, Scope::Statements);
            m.complete(p, FOR_STMT);
        }
        _ => simple_stmt(p),
    }
}

/// `if expr : block [elif expr : block]* [else : block]?`
fn if_stmt(p: &mut Parser) {
    let m = p.start();
    p.bump(); // if
    expr(p);
    p.expect(COLON);
    block(p, Scope::Statements);
    while p.at(ELIF_KW) {
        let e = p.start();
        p.bump();
        expr(p);
        p.expect(COLON);
        block(p, Scope::Statements);
        e.complete(p, ELIF_CLAUSE);
    }
    if p.at(ELSE_KW) {
        let e = p.start();
        p.bump();
        p.expect(COLON);
        block(p, Scope::Statements);
        e.complete(p, ELSE_CLAUSE);
    }
    m.complete(p, IF_STMT);
}

/// `simple_stmt ::= pass | expr | return [expr]? | [target =]+ expr`, then `NEWLINE`.
fn simple_stmt(p: &mut Parser) {
    match p.current() {
        PASS_KW => {
            let m = p.start();
            p.bump();
            end_of_line(p);
            m.complete(p, PASS_STMT);
        }
        RETURN_KW => {
            let m = p.start();
            p.bump();
            if !p.at(NEWLINE) && !p.at_end() {
                expr(p);
            }
            end_of_line(p);
            m.complete(p, RETURN_STMT);
        }
        _ => {
            let m = p.start();
            let Some(first) = expr(p) else {
                p.recover_line();
                m.abandon(p);
                return;
            };
            if p.at(EQ) {
                let mut last = first;
                while p.at(EQ) {
                    if !is_target(last.kind()) {
                        p.error_here();
                    }
                    p.bump();
                    match expr(p) {
                        Some(e) => last = e,
                        None => break,
                    }
                }
                end_of_line(p);
                m.complete(p, ASSIGN_STMT);
            } else {
                end_of_line(p);
                m.complete(p, EXPR_STMT);
            }
        }
    }
}

fn is_target(kind: SyntaxKind) -> bool {
    matches!(kind, NAME_EXPR | MEMBER_EXPR | INDEX_EXPR)
}

/// Expects the `NEWLINE` ending a simple statement; on anything else, reports it and
/// skips the rest of the line.
fn end_of_line(p: &mut Parser) {
    if p.eat(NEWLINE) || p.at_end() {
        return;
    }
    p.error_here();
    p.recover_line();
}

// ---- expressions ----

/// Binding powers from the manual's table 4.1 (higher binds tighter).
const BP_IF: u8 = 1;
const BP_OR: u8 = 2;
const BP_AND: u8 = 3;
const BP_NOT: u8 = 4;
const BP_CMP: u8 = 5;
const BP_ADD: u8 = 6;
const BP_MUL: u8 = 7;
const BP_NEG: u8 = 8;

/// Parses an expression; `None` if there was no expression at all (error reported).
pub(crate) fn expr(p: &mut Parser) -> Option<CompletedMarker> {
    expr_bp(p, BP_IF)
}

fn binary_bp(kind: SyntaxKind) -> Option<u8> {
    Some(match kind {
        OR_KW => BP_OR,
        AND_KW => BP_AND,
        EQ2 | NEQ | LT | GT | LTEQ | GTEQ | IS_KW => BP_CMP,
        PLUS | MINUS => BP_ADD,
        STAR | SLASH2 | PERCENT => BP_MUL,
        _ => return None,
    })
}

fn expr_bp(p: &mut Parser, min: u8) -> Option<CompletedMarker> {
    if p.depth >= MAX_DEPTH {
        p.too_deep("Expression");
        return None;
    }
    p.depth += 1;
    let r = expr_bp_inner(p, min);
    p.depth -= 1;
    r
}

fn expr_bp_inner(p: &mut Parser, min: u8) -> Option<CompletedMarker> {
    let base = p.tree_depth;
    let r = expr_chain(p, min);
    p.tree_depth = base;
    r
}

/// One more level of the expression tree (an operator of a chain, flat in the
/// source but nested in the tree); false, after reporting it, past
/// [`MAX_TREE_DEPTH`].
fn deeper(p: &mut Parser) -> bool {
    p.tree_depth += 1;
    if p.tree_depth > MAX_TREE_DEPTH {
        p.error(format!(
            "Expression too long: more than {MAX_TREE_DEPTH} operators in a chain"
        ));
        p.skip_line();
        return false;
    }
    true
}

fn expr_chain(p: &mut Parser, min: u8) -> Option<CompletedMarker> {
    let mut lhs = match p.current() {
        NOT_KW if min <= BP_NOT => {
            let m = p.start();
            p.bump();
            expr_bp(p, BP_NOT);
            m.complete(p, PREFIX_EXPR)
        }
        MINUS => {
            let m = p.start();
            p.bump();
            expr_bp(p, BP_NEG);
            m.complete(p, PREFIX_EXPR)
        }
        _ => postfix(p)?,
    };
    let mut compared = false;
    loop {
        let op = p.current();
        if op == IF_KW {
            if min > BP_IF {
                break;
            }
            let m = lhs.precede(p);
            p.bump();
            // The condition is any expression, itself conditional or not, as the
            // reference parses it (`a if b if c else d else e`).
            expr_bp(p, BP_IF);
            p.expect(ELSE_KW);
            expr_bp(p, BP_IF);
            lhs = m.complete(p, IF_EXPR);
            continue;
        }
        let Some(bp) = binary_bp(op) else { break };
        if bp < min {
            break;
        }
        if !deeper(p) {
            break;
        }
        if bp == BP_CMP {
            // Comparisons are non-associative (manual 4.1): `a < b < c` is an error.
            if compared {
                p.error_here();
            }
            compared = true;
        }
        let m = lhs.precede(p);
        p.bump();
        expr_bp(p, bp + 1);
        lhs = m.complete(p, BIN_EXPR);
    }
    Some(lhs)
}

/// An atom followed by member accesses, indexing and calls.
fn postfix(p: &mut Parser) -> Option<CompletedMarker> {
    let mut lhs = atom(p)?;
    loop {
        if matches!(p.current(), DOT | L_BRACK | L_PAREN) && !deeper(p) {
            break;
        }
        match p.current() {
            DOT => {
                let m = lhs.precede(p);
                p.bump();
                p.expect(IDENT);
                lhs = m.complete(p, MEMBER_EXPR);
            }
            L_BRACK => {
                let m = lhs.precede(p);
                p.bump();
                expr(p);
                p.expect(R_BRACK);
                lhs = m.complete(p, INDEX_EXPR);
            }
            L_PAREN => {
                // Only `ID(...)` and `expr.ID(...)` are calls in ChocoPy.
                if !matches!(lhs.kind(), NAME_EXPR | MEMBER_EXPR) {
                    p.error_here();
                }
                let m = lhs.precede(p);
                arg_list(p);
                lhs = m.complete(p, CALL_EXPR);
            }
            _ => break,
        }
    }
    Some(lhs)
}

fn arg_list(p: &mut Parser) {
    let m = p.start();
    p.bump(); // (
    if !p.at(R_PAREN) {
        expr(p);
        while p.eat(COMMA) {
            expr(p);
        }
    }
    p.expect(R_PAREN);
    m.complete(p, ARG_LIST);
}

fn atom(p: &mut Parser) -> Option<CompletedMarker> {
    let m = p.start();
    let kind = match p.current() {
        IDENT => {
            p.bump();
            NAME_EXPR
        }
        NONE_KW | TRUE_KW | FALSE_KW | INT_NUMBER | STRING | IDSTRING => {
            p.bump();
            LITERAL
        }
        L_PAREN => {
            p.bump();
            expr(p);
            p.expect(R_PAREN);
            PAREN_EXPR
        }
        L_BRACK => {
            p.bump();
            if !p.at(R_BRACK) {
                expr(p);
                while p.eat(COMMA) {
                    expr(p);
                }
            }
            p.expect(R_BRACK);
            LIST_EXPR
        }
        _ => {
            m.abandon(p);
            p.error_here();
            return None;
        }
    };
    Some(m.complete(p, kind))
}
