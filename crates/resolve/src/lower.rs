//! Lowering of the typed AST to IR: scopes, name resolution and type checking.
//!
//! Follows the ChocoPy reference manual v2.2: scoping of chapter 5.1 (global scope
//! with the predefined `print`, `len`, `input`, `object`, `int`, `bool`, `str`;
//! function scopes holding parameters, local variables, nested functions and `global`
//! / `nonlocal` declarations; reads see enclosing scopes, assignments only the current
//! one) and the typing rules of 5.2 for the compiled subset. Error messages are the
//! reference implementation's (as in `shared/conformance/berkeley/pa2`). Analysis
//! goes on after an error: an ill-typed expression gets type `object`, as in the
//! reference.
//!
//! Precondition: a tree without syntax errors (a tree with errors lowers without
//! panicking, but its diagnostics may be noise). Postcondition, when no error is
//! reported: the IR passes [`chocopy_ir::verify::verify`] with shape `Nested`.

use crate::SemanticError;
use chocopy_ir::{
    BinOp, Builtin, Const, Expr, ExprKind, FuncId, Function, Place, Program, Span, Stmt, Type,
    UnOp, VarDef, VarId,
};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange};
use std::collections::{HashMap, HashSet};

/// What a name is bound to in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    Var(VarId),
    Func(FuncId),
    Builtin(Builtin),
    /// A predefined class (`object`, `int`, `bool`, `str`).
    Class(&'static str),
    /// A predefined function the subset does not compile yet (`len`, `input`).
    Unsupported(&'static str),
}

struct Scope {
    /// The function of this scope; `None` for the global scope.
    func: Option<FuncId>,
    names: HashMap<String, Binding>,
    /// Variables this scope may assign: its own, and those declared `global` or
    /// `nonlocal` in it.
    assignable: HashSet<VarId>,
}

/// Lowers a parsed program to IR; returns the IR and the semantic errors, in the
/// order found. The IR is meaningful only when there are no errors.
pub fn lower(file: &ast::SourceFile) -> (Program, Vec<SemanticError>) {
    let mut l = Lowerer {
        prog: Program::default(),
        errors: Vec::new(),
        scopes: Vec::new(),
        defs: HashMap::new(),
    };
    l.program(file);
    (l.prog, l.errors)
}

struct Lowerer {
    prog: Program,
    errors: Vec<SemanticError>,
    scopes: Vec<Scope>,
    defs: HashMap<FuncId, ast::FuncDef>,
}

fn span_of(r: TextRange) -> Span {
    Span::new(r.start().into(), r.end().into())
}

/// The range of a node without leading/trailing layout tokens (`NEWLINE`, `INDENT`,
/// `DEDENT`) and trivia.
fn trimmed(node: &SyntaxNode) -> TextRange {
    let significant = |t: &SyntaxToken| {
        !t.kind().is_trivia()
            && !matches!(
                t.kind(),
                SyntaxKind::NEWLINE | SyntaxKind::INDENT | SyntaxKind::DEDENT
            )
    };
    let mut toks = node
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(significant);
    let Some(first) = toks.next() else {
        return node.text_range();
    };
    let last = toks.last().unwrap_or_else(|| first.clone());
    TextRange::new(first.text_range().start(), last.text_range().end())
}

fn node_span(n: &impl AstNode) -> Span {
    span_of(trimmed(n.syntax()))
}

fn is_class_name(name: &str) -> bool {
    matches!(name, "object" | "int" | "bool" | "str")
}

impl Lowerer {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(SemanticError {
            range: span.start as usize..span.end as usize,
            message: message.into(),
        });
    }

    fn unsupported(&mut self, span: Span, what: &str) {
        self.error(span, format!("Not supported by chocopy-wasm yet: {what}"));
    }

    fn current(&mut self) -> &mut Scope {
        self.scopes.last_mut().expect("a scope is open")
    }

    fn lookup(&self, name: &str) -> Option<Binding> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.names.get(name).copied())
    }

    /// Binds `name` in the current scope, reporting duplicates and, in function
    /// scopes, shadowed class names.
    fn declare(&mut self, name: &str, span: Span, b: Binding) -> bool {
        let in_function = self.current().func.is_some();
        if in_function && is_class_name(name) {
            self.error(span, format!("Cannot shadow class name: {name}"));
            return false;
        }
        if self.current().names.contains_key(name) {
            self.error(
                span,
                format!("Duplicate declaration of identifier in same scope: {name}"),
            );
            return false;
        }
        self.current().names.insert(name.to_string(), b);
        if let Binding::Var(v) = b {
            self.current().assignable.insert(v);
        }
        true
    }

    fn program(&mut self, file: &ast::SourceFile) {
        let mut global = Scope {
            func: None,
            names: HashMap::new(),
            assignable: HashSet::new(),
        };
        global
            .names
            .insert("print".into(), Binding::Builtin(Builtin::Print));
        global
            .names
            .insert("len".into(), Binding::Unsupported("len"));
        global
            .names
            .insert("input".into(), Binding::Unsupported("input"));
        for c in ["object", "int", "bool", "str"] {
            global.names.insert(c.into(), Binding::Class(c));
        }
        self.scopes.push(global);

        let items: Vec<ast::Item> = file.items().collect();
        let mut funcs = Vec::new();
        for item in &items {
            match item {
                ast::Item::VarDef(d) => {
                    if let Some(def) = self.var_def(d, None) {
                        self.prog.globals.push(def);
                    }
                }
                ast::Item::FuncDef(f) => {
                    if let Some(id) = self.declare_function(f, None) {
                        self.prog.functions.push(id);
                        funcs.push(id);
                    }
                }
                ast::Item::ClassDef(c) => self.unsupported(node_span(c), "class definitions"),
                ast::Item::GlobalDecl(_) | ast::Item::NonlocalDecl(_) | ast::Item::Stmt(_) => {}
            }
        }
        for f in funcs {
            self.function_body(f);
        }
        let mut main = Vec::new();
        for item in &items {
            if let ast::Item::Stmt(s) = item {
                self.stmt(s, &mut main);
            }
        }
        self.prog.main = main;
    }

    /// A type annotation (manual 2.7); `None` after reporting an error.
    fn type_ann(&mut self, t: Option<ast::TypeAnn>) -> Option<Type> {
        let t = t?;
        match &t {
            ast::TypeAnn::Name(n) => {
                let name = n.class_name()?;
                match name.as_str() {
                    "int" => Some(Type::Int),
                    "bool" => Some(Type::Bool),
                    "object" => Some(Type::Object),
                    "str" => {
                        self.unsupported(node_span(n), "strings");
                        None
                    }
                    _ => {
                        self.error(
                            node_span(n),
                            format!("Invalid type annotation; there is no class named: {name}"),
                        );
                        None
                    }
                }
            }
            ast::TypeAnn::List(l) => {
                self.unsupported(node_span(l), "lists");
                None
            }
        }
    }

    /// `x: T = literal`, in the global scope (`owner` `None`) or a function's.
    fn var_def(&mut self, d: &ast::VarDef, owner: Option<FuncId>) -> Option<VarDef> {
        let tv = d.typed_var()?;
        let name_tok = tv.name()?;
        let name_span = span_of(name_tok.text_range());
        let ty = self.type_ann(tv.ty()).unwrap_or(Type::Object);
        let init = match d.value() {
            Some(ast::Expr::Literal(lit)) => self.literal(&lit)?,
            Some(other) => {
                self.error(node_span(&other), "Variable initialisers must be literals");
                return None;
            }
            None => return None,
        };
        if !init.ty().is_assignable_to(&ty) {
            self.error(
                node_span(d),
                format!("Expected type `{ty}`; got type `{}`", init.ty()),
            );
        }
        let var = self.prog.new_var(name_tok.text(), ty, owner, name_span);
        self.declare(name_tok.text(), name_span, Binding::Var(var));
        Some(VarDef { var, init })
    }

    fn literal(&mut self, lit: &ast::Literal) -> Option<Const> {
        let tok = lit.token()?;
        Some(match tok.kind() {
            SyntaxKind::NONE_KW => Const::None,
            SyntaxKind::TRUE_KW => Const::Bool(true),
            SyntaxKind::FALSE_KW => Const::Bool(false),
            // Out-of-range literals were reported by the lexer.
            SyntaxKind::INT_NUMBER => Const::Int(tok.text().parse::<i32>().unwrap_or(0)),
            _ => {
                self.unsupported(node_span(lit), "strings");
                return None;
            }
        })
    }

    /// Creates the function (signature only) and binds its name in the current scope.
    fn declare_function(&mut self, def: &ast::FuncDef, parent: Option<FuncId>) -> Option<FuncId> {
        let name_tok = def.name()?;
        let name = name_tok.text().to_string();
        let ret = match def.ret_type() {
            Some(r) => self.type_ann(r.ty()).unwrap_or(Type::Object),
            None => Type::None,
        };
        let id = self.prog.funcs.alloc(Function {
            name: name.clone(),
            params: Vec::new(),
            ret,
            locals: Vec::new(),
            nested: Vec::new(),
            parent,
            body: Vec::new(),
            span: span_of(name_tok.text_range()),
        });
        let mut params = Vec::new();
        for tv in def
            .param_list()
            .into_iter()
            .flat_map(|l| l.params().collect::<Vec<_>>())
        {
            let Some(pname) = tv.name() else { continue };
            let ty = self.type_ann(tv.ty()).unwrap_or(Type::Object);
            params.push(
                self.prog
                    .new_var(pname.text(), ty, Some(id), span_of(pname.text_range())),
            );
        }
        self.prog.funcs[id].params = params;
        self.defs.insert(id, def.clone());
        self.declare(&name, span_of(name_tok.text_range()), Binding::Func(id));
        Some(id)
    }

    fn function_body(&mut self, f: FuncId) {
        let def = self.defs[&f].clone();
        self.scopes.push(Scope {
            func: Some(f),
            names: HashMap::new(),
            assignable: HashSet::new(),
        });
        for p in self.prog.funcs[f].params.clone() {
            let var = &self.prog.vars[p];
            let (name, span) = (var.name.clone(), var.span);
            self.declare(&name, span, Binding::Var(p));
        }
        let items: Vec<ast::Item> = def.body().map(|b| b.items().collect()).unwrap_or_default();
        let mut nested = Vec::new();
        for item in &items {
            match item {
                ast::Item::VarDef(d) => {
                    if let Some(def) = self.var_def(d, Some(f)) {
                        self.prog.funcs[f].locals.push(def);
                    }
                }
                ast::Item::FuncDef(g) => {
                    if let Some(id) = self.declare_function(g, Some(f)) {
                        self.prog.funcs[f].nested.push(id);
                        nested.push(id);
                    }
                }
                ast::Item::GlobalDecl(g) => {
                    let Some(tok) = g.name() else { continue };
                    let span = span_of(tok.text_range());
                    match self.scopes[0].names.get(tok.text()).copied() {
                        Some(Binding::Var(v)) => {
                            if self.declare(tok.text(), span, Binding::Var(v)) {
                                self.current().assignable.insert(v);
                            }
                        }
                        _ => self.error(span, format!("Not a global variable: {}", tok.text())),
                    }
                }
                ast::Item::NonlocalDecl(n) => {
                    let Some(tok) = n.name() else { continue };
                    let span = span_of(tok.text_range());
                    let depth = self.scopes.len();
                    let found = self.scopes[1..depth - 1]
                        .iter()
                        .rev()
                        .find_map(|s| s.names.get(tok.text()).copied());
                    match found {
                        Some(Binding::Var(v)) => {
                            if self.declare(tok.text(), span, Binding::Var(v)) {
                                self.current().assignable.insert(v);
                            }
                        }
                        _ => self.error(span, format!("Not a nonlocal variable: {}", tok.text())),
                    }
                }
                ast::Item::ClassDef(c) => self.unsupported(node_span(c), "class definitions"),
                ast::Item::Stmt(_) => {}
            }
        }
        for g in nested {
            self.function_body(g);
        }
        let mut body = Vec::new();
        for item in &items {
            if let ast::Item::Stmt(s) = item {
                self.stmt(s, &mut body);
            }
        }
        let ret = self.prog.funcs[f].ret.clone();
        if matches!(ret, Type::Int | Type::Bool) && !chocopy_ir::always_returns(&body) {
            let name = self.prog.funcs[f].name.clone();
            let span = self.prog.funcs[f].span;
            self.error(
                span,
                format!("All paths in this function/method must have a return statement: {name}"),
            );
        }
        self.prog.funcs[f].body = body;
        self.scopes.pop();
    }

    fn block(&mut self, b: Option<ast::Block>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for item in b.into_iter().flat_map(|b| b.items().collect::<Vec<_>>()) {
            // Declarations inside statement blocks are syntax errors already.
            if let ast::Item::Stmt(s) = item {
                self.stmt(&s, &mut out);
            }
        }
        out
    }

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        match s {
            ast::Stmt::Expr(e) => {
                if let Some(e) = e.expr() {
                    let e = self.expr(&e);
                    out.push(Stmt::Expr(e));
                }
            }
            ast::Stmt::Pass(_) => {}
            ast::Stmt::Assign(a) => {
                let Some(value) = a.value() else { return };
                let value = self.expr(&value);
                let mut targets = Vec::new();
                for t in a.targets() {
                    let ast::Expr::Name(n) = &t else {
                        self.unsupported(node_span(&t), "attribute and index assignment");
                        continue;
                    };
                    let Some(tok) = n.ident() else { continue };
                    let name = tok.text();
                    let span = node_span(n);
                    match self.lookup(name) {
                        Some(Binding::Var(v)) => {
                            if !self.current().assignable.contains(&v)
                                && self.current().func.is_some()
                            {
                                self.error(
                                    span,
                                    format!("Cannot assign to variable that is not explicitly declared in this scope: {name}"),
                                );
                                continue;
                            }
                            let ty = self.prog.vars[v].ty.clone();
                            if !value.ty.is_assignable_to(&ty) {
                                self.error(
                                    node_span(a),
                                    format!("Expected type `{ty}`; got type `{}`", value.ty),
                                );
                            }
                            targets.push(Place::Var(v));
                        }
                        _ => self.error(span, format!("Not a variable: {name}")),
                    }
                }
                if !targets.is_empty() {
                    out.push(Stmt::Assign { targets, value });
                }
            }
            ast::Stmt::Return(r) => {
                let span = node_span(r);
                let value = r.expr().map(|e| self.expr(&e));
                let Some(f) = self.current().func else {
                    self.error(span, "Return statement cannot appear at the top level");
                    return;
                };
                let ret = self.prog.funcs[f].ret.clone();
                match &value {
                    Some(v) if !v.ty.is_assignable_to(&ret) => {
                        self.error(span, format!("Expected type `{ret}`; got type `{}`", v.ty))
                    }
                    None if !Type::None.is_assignable_to(&ret) => {
                        self.error(span, format!("Expected type `{ret}`; got `None`"))
                    }
                    _ => {}
                }
                out.push(Stmt::Return { value, span });
            }
            ast::Stmt::If(i) => {
                let cond = self.condition(i.condition());
                let then_ = self.block(i.then_block());
                // elif chains become nested ifs (manual 2.8.2).
                let mut rest = match i.else_clause() {
                    Some(e) => self.block(e.block()),
                    None => Vec::new(),
                };
                let elifs: Vec<ast::ElifClause> = i.elif_clauses().collect();
                let lowered: Vec<(Expr, Vec<Stmt>)> = elifs
                    .iter()
                    .map(|e| (self.condition(e.condition()), self.block(e.block())))
                    .collect();
                for (c, b) in lowered.into_iter().rev() {
                    rest = vec![Stmt::If {
                        cond: c,
                        then_: b,
                        else_: rest,
                    }];
                }
                out.push(Stmt::If {
                    cond,
                    then_,
                    else_: rest,
                });
            }
            ast::Stmt::While(w) => {
                let cond = self.condition(w.condition());
                let body = self.block(w.block());
                out.push(Stmt::While { cond, body });
            }
            ast::Stmt::For(f) => self.unsupported(node_span(f), "for loops"),
        }
    }

    fn error_expr(span: Span) -> Expr {
        Expr::new(ExprKind::Const(Const::None), Type::Object, span)
    }

    /// A condition: must be `bool`.
    fn condition(&mut self, e: Option<ast::Expr>) -> Expr {
        let Some(e) = e else {
            return Expr::constant(Const::Bool(false), Span::default());
        };
        let c = self.expr(&e);
        if c.ty != Type::Bool && c.ty != Type::Object {
            self.error(c.span, format!("Expected type `bool`; got type `{}`", c.ty));
        }
        c
    }

    fn expr(&mut self, e: &ast::Expr) -> Expr {
        let span = node_span(e);
        match e {
            ast::Expr::Literal(l) => match self.literal(l) {
                Some(c) => Expr::constant(c, span),
                None => Self::error_expr(span),
            },
            ast::Expr::Name(n) => {
                let Some(tok) = n.ident() else {
                    return Self::error_expr(span);
                };
                match self.lookup(tok.text()) {
                    Some(Binding::Var(v)) => self.prog.read(v, span),
                    _ => {
                        self.error(span, format!("Not a variable: {}", tok.text()));
                        Self::error_expr(span)
                    }
                }
            }
            ast::Expr::Paren(p) => match p.expr() {
                Some(inner) => {
                    let mut x = self.expr(&inner);
                    x.span = span;
                    x
                }
                None => Self::error_expr(span),
            },
            ast::Expr::Prefix(p) => {
                let op = p.op().map(|t| t.kind());
                let Some(operand) = p.operand() else {
                    return Self::error_expr(span);
                };
                let a = self.expr(&operand);
                let (op, ty, sym) = if op == Some(SyntaxKind::NOT_KW) {
                    (UnOp::Not, Type::Bool, "not")
                } else {
                    (UnOp::Neg, Type::Int, "-")
                };
                if a.ty != ty {
                    self.error(
                        span,
                        format!("Cannot apply operator `{sym}` on type `{}`", a.ty),
                    );
                    return Self::error_expr(span);
                }
                Expr::new(ExprKind::Unary(op, Box::new(a)), ty, span)
            }
            ast::Expr::Bin(b) => self.binary(b, span),
            ast::Expr::If(i) => {
                let then_ = i.then_expr().map(|x| self.expr(&x));
                let cond = self.condition(i.condition());
                let else_ = i.else_expr().map(|x| self.expr(&x));
                let (Some(a), Some(b)) = (then_, else_) else {
                    return Self::error_expr(span);
                };
                let ty = join(&a.ty, &b.ty);
                Expr::new(
                    ExprKind::IfExpr(Box::new(cond), Box::new(a), Box::new(b)),
                    ty,
                    span,
                )
            }
            ast::Expr::Call(c) => self.call(c, span),
            ast::Expr::List(_) => {
                self.unsupported(span, "lists");
                Self::error_expr(span)
            }
            ast::Expr::Member(_) => {
                self.unsupported(span, "attributes and methods");
                Self::error_expr(span)
            }
            ast::Expr::Index(_) => {
                self.unsupported(span, "indexing");
                Self::error_expr(span)
            }
        }
    }

    fn binary(&mut self, b: &ast::BinExpr, span: Span) -> Expr {
        let (Some(l), Some(r), Some(op_tok)) = (b.lhs(), b.rhs(), b.op()) else {
            return Self::error_expr(span);
        };
        let a = self.expr(&l);
        let c = self.expr(&r);
        use SyntaxKind as K;
        let op = match op_tok.kind() {
            K::PLUS => BinOp::Add,
            K::MINUS => BinOp::Sub,
            K::STAR => BinOp::Mul,
            K::SLASH2 => BinOp::FloorDiv,
            K::PERCENT => BinOp::Mod,
            K::LT => BinOp::Lt,
            K::LTEQ => BinOp::Le,
            K::GT => BinOp::Gt,
            K::GTEQ => BinOp::Ge,
            K::EQ2 => BinOp::Eq,
            K::NEQ => BinOp::Ne,
            K::IS_KW => BinOp::Is,
            K::AND_KW => BinOp::And,
            K::OR_KW => BinOp::Or,
            _ => return Self::error_expr(span),
        };
        let result = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                (a.ty == Type::Int && c.ty == Type::Int).then_some(Type::Int)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                (a.ty == Type::Int && c.ty == Type::Int).then_some(Type::Bool)
            }
            BinOp::Eq | BinOp::Ne => {
                (a.ty == c.ty && matches!(a.ty, Type::Int | Type::Bool)).then_some(Type::Bool)
            }
            BinOp::Is => (a.ty.is_reference() && c.ty.is_reference()).then_some(Type::Bool),
            BinOp::And | BinOp::Or => {
                (a.ty == Type::Bool && c.ty == Type::Bool).then_some(Type::Bool)
            }
        };
        match result {
            Some(ty) => Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(c)), ty, span),
            None => {
                self.error(
                    span,
                    format!(
                        "Cannot apply operator `{}` on types `{}` and `{}`",
                        op.symbol(),
                        a.ty,
                        c.ty
                    ),
                );
                // The reference still types arithmetic as int and comparisons as bool.
                let ty = match op {
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                        Type::Int
                    }
                    _ => Type::Bool,
                };
                Expr::new(ExprKind::Const(Const::zero(&ty)), ty, span)
            }
        }
    }

    fn call(&mut self, c: &ast::CallExpr, span: Span) -> Expr {
        let args_ast: Vec<ast::Expr> = c.args().collect();
        let args: Vec<Expr> = args_ast.iter().map(|a| self.expr(a)).collect();
        let Some(ast::Expr::Name(callee)) = c.callee() else {
            self.unsupported(span, "method calls");
            return Self::error_expr(span);
        };
        let Some(tok) = callee.ident() else {
            return Self::error_expr(span);
        };
        let name = tok.text();
        match self.lookup(name) {
            Some(Binding::Func(f)) => {
                let params = self.prog.funcs[f].params.clone();
                if params.len() != args.len() {
                    self.error(
                        span,
                        format!("Expected {} arguments; got {}", params.len(), args.len()),
                    );
                } else {
                    for (i, (a, p)) in args.iter().zip(&params).enumerate() {
                        let pt = self.prog.vars[*p].ty.clone();
                        if !a.ty.is_assignable_to(&pt) {
                            self.error(
                                span,
                                format!(
                                    "Expected type `{pt}`; got type `{}` in parameter {i}",
                                    a.ty
                                ),
                            );
                        }
                    }
                }
                let ret = self.prog.funcs[f].ret.clone();
                Expr::new(ExprKind::Call(f, args), ret, span)
            }
            Some(Binding::Builtin(b)) => {
                if args.len() != 1 {
                    self.error(span, format!("Expected 1 arguments; got {}", args.len()));
                    return Self::error_expr(span);
                }
                Expr::new(ExprKind::Builtin(b, args), Type::None, span)
            }
            Some(Binding::Class(c)) => {
                self.unsupported(span, &format!("constructing `{c}`"));
                Self::error_expr(span)
            }
            Some(Binding::Unsupported(what)) => {
                self.unsupported(span, what);
                Self::error_expr(span)
            }
            Some(Binding::Var(_)) | None => {
                self.error(span, format!("Not a function or class: {name}"));
                Self::error_expr(span)
            }
        }
    }
}

/// The least upper bound of two types in the subset's hierarchy (manual 5.2, `join`).
fn join(a: &Type, b: &Type) -> Type {
    if a == b {
        a.clone()
    } else if a.is_assignable_to(b) && *a != Type::None || (*a == Type::None && b.is_reference()) {
        b.clone()
    } else if b.is_assignable_to(a) && *b != Type::None || (*b == Type::None && a.is_reference()) {
        a.clone()
    } else {
        Type::Object
    }
}
