//! Lowering of the typed AST to IR: scopes, name resolution and type checking.
//!
//! Follows the ChocoPy reference manual v2.2: scoping of chapter 5.1 (a global scope
//! with the predefined `print`, `len`, `input`, `object`, `int`, `bool`, `str`;
//! function scopes holding parameters, local variables, nested functions and `global`
//! / `nonlocal` declarations; reads see enclosing scopes, assignments only the current
//! one; class bodies are not scopes for names) and every typing rule of 5.2. Error
//! messages are the reference implementation's (as in
//! `shared/conformance/berkeley/pa2`). Analysis goes on after an error: an ill-typed
//! expression gets type `object`, as in the reference.
//!
//! Precondition: a tree without syntax errors (a tree with errors lowers without
//! panicking, but its diagnostics may be noise). Postcondition, when no error is
//! reported: the IR passes [`chocopy_ir::verify::verify`] with shape `Nested`.

use crate::errors::ErrorKind;
use crate::SemanticError;
use chocopy_ir::{
    Attr, AttrId, BinOp, Builtin, Class, ClassId, Const, Expr, ExprKind, FuncId, Function,
    MethodSlot, Place, Program, Span, Stmt, Type, UnOp, VarDef, VarId,
};
use chocopy_syntax::ast::{self, AstNode};
use chocopy_syntax::{SyntaxKind, SyntaxNode, SyntaxPtr, SyntaxToken, TextRange};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

mod parallel;
pub use parallel::PARALLEL_MIN_BYTES;

/// A class a name can denote: a predefined one or a user class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassRef {
    Object,
    Int,
    Bool,
    Str,
    User(ClassId),
}

impl ClassRef {
    fn ty(self) -> Type {
        match self {
            ClassRef::Object => Type::Object,
            ClassRef::Int => Type::Int,
            ClassRef::Bool => Type::Bool,
            ClassRef::Str => Type::Str,
            ClassRef::User(c) => Type::Class(c),
        }
    }
}

/// What a name is bound to in a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    Var(VarId),
    Func(FuncId),
    Builtin(Builtin),
    Class(ClassRef),
}

#[derive(Clone)]
struct Scope {
    /// The function of this scope; `None` for the global scope.
    func: Option<FuncId>,
    names: HashMap<String, Binding>,
    /// Variables this scope may assign: its own, and those declared `global` or
    /// `nonlocal` in it.
    assignable: HashSet<VarId>,
}

/// The type semantic analysis inferred for a node (reference manual 5.2), as the
/// reference's typed AST records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inferred {
    /// A value type (`ClassValueType` or `ListValueType`).
    Value(Type),
    /// The type of a function or method name (`FuncType`): parameters and result.
    Func(Vec<Type>, Type),
}

/// What a name refers to: the declaration an editor goes to, whose references it
/// finds and renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Def {
    /// A global or local variable, or a parameter.
    Var(VarId),
    /// A function or method.
    Func(FuncId),
    /// A class.
    Class(ClassId),
    /// An attribute.
    Attr(AttrId),
}

/// Inferred types of the nodes of one program, keyed by syntax pointer; and what
/// each name refers to (filled with the types, for editors).
#[derive(Debug, Clone, Default)]
pub struct Typing {
    types: HashMap<SyntaxPtr, Inferred>,
    /// The declaration each identifier refers to, by the identifier's byte range;
    /// declaring identifiers refer to their own declaration.
    names: HashMap<(u32, u32), Def>,
    /// Where each attribute is declared (its identifier).
    attr_spans: HashMap<AttrId, Span>,
}

impl Typing {
    /// What the identifier at byte range `range` refers to, if it was resolved.
    pub fn def_at(&self, range: (u32, u32)) -> Option<Def> {
        self.names.get(&range).copied()
    }

    /// Every resolved identifier (its byte range) with what it refers to, in no
    /// particular order.
    pub fn names(&self) -> impl Iterator<Item = ((u32, u32), Def)> + '_ {
        self.names.iter().map(|(r, d)| (*r, *d))
    }

    /// Where `def` is declared (its identifier's byte range), in `program`.
    pub fn declaration(&self, program: &Program, def: Def) -> Option<Span> {
        Some(match def {
            Def::Var(v) => program.vars[v].span,
            Def::Func(f) => program.funcs[f].span,
            Def::Class(c) => program.classes[c].span,
            Def::Attr(a) => *self.attr_spans.get(&a)?,
        })
    }

    /// The type inferred for `node`, if analysis reached it.
    pub fn get(&self, node: &SyntaxPtr) -> Option<&Inferred> {
        self.types.get(node)
    }

    /// Number of typed nodes.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// Whether no node is typed.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

/// What the checker found in one program.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The program as IR; meaningful only when there are no errors.
    pub program: Program,
    /// The errors, each with the place the checker was analysing when it found it,
    /// in the order found. When declaration analysis finds errors, they are the only
    /// ones: as in the reference, the program is then not type-checked.
    pub errors: Vec<Finding>,
    /// The type inferred for each expression node (filled on request only: the
    /// typed JSON AST needs it).
    pub typing: Typing,
}

/// An error and where the checker was when it found it.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The error.
    pub error: SemanticError,
    /// What was being analysed.
    pub site: Site,
}

/// What the checker was analysing when it found an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    /// A declaration: the start of the identifier or type annotation the error is
    /// at, and whether it is a missing `return` (checked at the function's name,
    /// after its body).
    Declaration(DeclSlot),
    /// The declaration or statement starting at this offset (type checking).
    Statement(u32),
}

/// Where a declaration error is reported: the start of its identifier or type
/// annotation, and whether it is a missing-return error (reported at the function
/// name, which other checks also visit).
pub type DeclSlot = (u32, bool);

/// Checks a parsed program and lowers it to IR, resolving every name. With
/// `keep_types`, also records the type inferred for every expression node.
pub fn analyze(file: &ast::SourceFile, keep_types: bool) -> Analysis {
    analyze_after(file, keep_types, None).0
}

/// The declarations of the entries a REPL session has run so far: what a new entry
/// is checked against (its program grows from this one; its names may refer to
/// these, and may not declare them again: ChocoPy's duplicate-declaration error).
///
/// The functions of `program` keep their signatures only (no bodies, no nested
/// functions): checking an entry costs the same early and late in a session. Ids of
/// the IR are stable across entries (arenas only grow), so an id below the arena
/// sizes of the prelude names a declaration of an earlier entry.
#[derive(Debug, Clone, Default)]
pub struct Prelude {
    /// The earlier entries' globals, functions (signatures) and classes.
    pub program: Program,
    names: HashMap<String, Binding>,
}

impl Prelude {
    /// The names bound at the top level, sorted (for completion and `:help`).
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.names.keys().cloned().collect();
        v.sort();
        v
    }

    /// The number of variables, functions and classes declared so far (arena sizes):
    /// ids below these belong to earlier entries.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.program.vars.len(),
            self.program.funcs.len(),
            self.program.classes.len(),
        )
    }
}

/// Checks one REPL entry against the declarations of the earlier ones (`prelude`;
/// `None` for a whole program) and lowers it. Returns the analysis, whose program
/// holds the prelude's declarations and the entry's code, and the prelude to check
/// the next entry against (meaningful only when there are no errors; empty when
/// `prelude` is `None`).
pub fn analyze_after(
    file: &ast::SourceFile,
    keep_types: bool,
    prelude: Option<&Prelude>,
) -> (Analysis, Prelude) {
    analyze_inner(file, keep_types, prelude, PARALLEL_MIN_BYTES)
}

/// [`analyze`] (without types) with the function bodies lowered on two threads from
/// `min_bytes` of source (see [`PARALLEL_MIN_BYTES`]; 0: always, `usize::MAX`:
/// never). The result is the same at every threshold: tests compare them.
pub fn analyze_with_threshold(file: &ast::SourceFile, min_bytes: usize) -> Analysis {
    analyze_inner(file, false, None, min_bytes).0
}

fn analyze_inner(
    file: &ast::SourceFile,
    keep_types: bool,
    prelude: Option<&Prelude>,
    parallel_min_bytes: usize,
) -> (Analysis, Prelude) {
    let mut l = Lowerer::new(keep_types);
    if let Some(pre) = prelude {
        l.prog = pre.program.clone();
        for (c, class) in l.prog.classes.iter() {
            l.pending.entry(class.name.clone()).or_insert(c);
        }
    }
    l.program(file, prelude.map(|p| &p.names), parallel_min_bytes);
    let mut next = Prelude::default();
    if prelude.is_some() {
        next.names = l
            .scopes
            .first()
            .map(|s| s.names.clone())
            .unwrap_or_default();
    }
    let (errors, typing) = if l.decl_errors.is_empty() {
        let errors = l
            .errors
            .into_iter()
            .zip(l.error_keys)
            .map(|(error, at)| Finding {
                error,
                site: Site::Statement(at),
            })
            .collect();
        (errors, l.typing)
    } else {
        // As the reference: declaration errors stop analysis before type checking.
        let errors = l
            .decl_errors
            .into_iter()
            .zip(l.decl_error_keys)
            .map(|(error, slot)| Finding {
                error,
                site: Site::Declaration(slot),
            })
            .collect();
        (errors, Typing::default())
    };
    if prelude.is_some() {
        next.program = signatures_only(&l.prog);
    }
    (
        Analysis {
            program: l.prog,
            errors,
            typing,
        },
        next,
    )
}

/// `p` with every function reduced to its signature: no body, locals or nested
/// functions (the ids of all stay valid).
fn signatures_only(p: &Program) -> Program {
    // Cloned, not rebuilt: an id is valid only in its own arena (and its clones).
    let mut out = Program {
        classes: p.classes.clone(),
        vars: p.vars.clone(),
        funcs: p.funcs.clone(),
        globals: p.globals.clone(),
        functions: p.functions.clone(),
        main: Vec::new(),
    };
    for (_, f) in out.funcs.iter_mut() {
        f.body = Vec::new();
        f.locals = Vec::new();
        f.nested = Vec::new();
    }
    out
}

/// An error reported after others of the same statement: node kind, span, error.
type LateError = (SyntaxKind, Span, ErrorKind);

struct Lowerer {
    prog: Program,
    errors: Vec<SemanticError>,
    scopes: Vec<Scope>,
    defs: HashMap<FuncId, ast::FuncDef>,
    /// Every class of the program by name (the first of duplicates), bound or not.
    pending: HashMap<String, ClassId>,
    /// The class created for each class definition.
    class_defs: HashMap<ast::ClassDef, ClassId>,
    typing: Typing,
    /// Whether to fill `typing` (only the typed JSON AST needs it).
    keep_types: bool,
    /// Start of the declaration or statement being checked: where the reference's
    /// type checker, visiting declarations and statements in source order, would
    /// report the errors found now.
    order: u32,
    /// The `order` of each of `errors`.
    error_keys: Vec<u32>,
    /// Where each of `decl_errors` is reported (see `reference_decl_order`).
    decl_error_keys: Vec<DeclSlot>,
    /// The nodes `errors` and `decl_errors` are at: one error per node.
    nodes_in_error: HashSet<SyntaxPtr>,
    nodes_in_decl_error: HashSet<SyntaxPtr>,
    /// Errors of declaration analysis, reported instead of `errors` if any.
    decl_errors: Vec<SemanticError>,
    /// Attributes declared (class, name, identifier), resolved to their slots once
    /// the layouts exist (with the types only).
    attr_decls: Vec<(ClassId, String, Span)>,
}

fn span_of(r: TextRange) -> Span {
    Span::new(r.start().into(), r.end().into())
}

/// The range of a node without leading/trailing layout tokens (`NEWLINE`, `INDENT`,
/// `DEDENT`) and trivia.
pub(crate) fn trimmed(node: &SyntaxNode) -> TextRange {
    chocopy_syntax::significant_range(node)
}

fn node_span(n: &impl AstNode) -> Span {
    span_of(trimmed(n.syntax()))
}

/// The reference AST node an expression becomes (parentheses are not nodes): its kind
/// and span.
fn expr_node(e: &ast::Expr) -> (SyntaxKind, Span) {
    let mut e = e.clone();
    while let ast::Expr::Paren(p) = &e {
        match p.expr() {
            Some(inner) => e = inner,
            None => break,
        }
    }
    (ptr_kind(e.syntax()), node_span(&e))
}

/// The pointer kind of a node: its syntax kind, except that an identifier used as
/// an expression is its identifier token (the same node in the reference's AST as a
/// declared name: an `Identifier`), the one kind every error and type of a name is
/// attached to.
pub(crate) fn ptr_kind(node: &SyntaxNode) -> SyntaxKind {
    match node.kind() {
        SyntaxKind::NAME_EXPR => SyntaxKind::IDENT,
        k => k,
    }
}

/// The pointer of the element of `kind` spanning `span`.
fn ptr(kind: SyntaxKind, span: Span) -> SyntaxPtr {
    SyntaxPtr {
        kind,
        range: (span.start, span.end),
    }
}

fn token_span(t: &SyntaxToken) -> Span {
    span_of(t.text_range())
}

/// A function signature: parameter types and return type.
type Signature = (Vec<Type>, Type);

impl Lowerer {
    /// A lowerer before any declaration.
    fn new(keep_types: bool) -> Lowerer {
        Lowerer {
            keep_types,
            order: 0,
            error_keys: Vec::new(),
            decl_error_keys: Vec::new(),
            nodes_in_error: HashSet::default(),
            nodes_in_decl_error: HashSet::default(),
            prog: Program::default(),
            errors: Vec::new(),
            scopes: Vec::new(),
            defs: HashMap::default(),
            pending: HashMap::default(),
            class_defs: HashMap::default(),
            typing: Typing::default(),
            decl_errors: Vec::new(),
            attr_decls: Vec::new(),
        }
    }

    /// Reports `message` at the reference AST node of `kind` spanning `span`.
    /// Only the first error at a node is reported, as the reference does.
    fn error(&mut self, kind: SyntaxKind, span: Span, error: ErrorKind) {
        let node = ptr(kind, span);
        if !self.nodes_in_error.insert(node) {
            return;
        }
        self.error_keys.push(self.order);
        self.errors.push(SemanticError::new(node, error));
    }

    /// Reports a type mismatch ("Expected type `T`; got type `U`"), labelled with
    /// the expected and the actual type.
    fn mismatch(&mut self, kind: SyntaxKind, span: Span, expected: &Type, found: &Type) {
        let error = ErrorKind::TypeMismatch {
            expected: self.show(expected),
            found: self.show(found),
        };
        self.mismatch_as(kind, span, error, expected, found);
    }

    /// Reports `error`, labelled with the expected and the actual type.
    fn mismatch_as(
        &mut self,
        kind: SyntaxKind,
        span: Span,
        error: ErrorKind,
        expected: &Type,
        found: &Type,
    ) {
        let label = format!(
            "expected `{}`, found `{}`",
            self.show(expected),
            self.show(found)
        );
        let before = self.errors.len();
        self.error(kind, span, error);
        if self.errors.len() > before {
            if let Some(e) = self.errors.last_mut() {
                e.label = label;
            }
        }
    }

    /// Reports an error of declaration analysis (the reference's first pass: scopes,
    /// class hierarchy, signatures, annotations). When there is one, the reference
    /// does not type-check, so only such errors are reported in the end.
    fn decl_error(&mut self, kind: SyntaxKind, span: Span, error: ErrorKind) {
        self.decl_error_at((span.start, false), kind, span, error);
    }

    /// [`Self::decl_error`] sorted at `key` in the reference's order (see
    /// `sorted`).
    fn decl_error_at(&mut self, key: DeclSlot, kind: SyntaxKind, span: Span, error: ErrorKind) {
        let node = ptr(kind, span);
        if !self.nodes_in_decl_error.insert(node) {
            return;
        }
        self.decl_error_keys.push(key);
        self.decl_errors.push(SemanticError::new(node, error));
    }

    fn record(&mut self, kind: SyntaxKind, span: Span, ty: Inferred) {
        if self.keep_types {
            self.typing.types.insert(ptr(kind, span), ty);
        }
    }

    /// Records that the identifier at `span` refers to `def` (with the types).
    fn note(&mut self, span: Span, def: Def) {
        if self.keep_types {
            self.typing.names.insert((span.start, span.end), def);
        }
    }

    fn show(&self, t: &Type) -> String {
        self.prog.show(t)
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

    fn global(&self, name: &str) -> Option<Binding> {
        self.scopes[0].names.get(name).copied()
    }

    fn is_class_name(&self, name: &str) -> bool {
        matches!(self.global(name), Some(Binding::Class(_)))
    }

    /// Binds `name` in the current scope, reporting duplicates and, in function
    /// scopes, shadowed class names.
    fn declare(&mut self, name: &str, span: Span, b: Binding) -> bool {
        let in_function = self.current().func.is_some();
        if in_function && self.is_class_name(name) {
            self.decl_error(
                SyntaxKind::IDENT,
                span,
                ErrorKind::ShadowsClassName(name.into()),
            );
            return false;
        }
        if self.current().names.contains_key(name) {
            self.decl_error(
                SyntaxKind::IDENT,
                span,
                ErrorKind::DuplicateDeclaration(name.to_string()),
            );
            return false;
        }
        self.current().names.insert(name.to_string(), b);
        if let Binding::Var(v) = b {
            self.current().assignable.insert(v);
        }
        true
    }

    /// Checks and lowers `file`, after the `earlier` entries of a REPL session if any;
    /// the function bodies on two threads from `parallel_min_bytes` of source.
    fn program(
        &mut self,
        file: &ast::SourceFile,
        earlier: Option<&HashMap<String, Binding>>,
        parallel_min_bytes: usize,
    ) {
        // The bodies, some on a second thread for a large program.
        let parallel = !self.keep_types
            && earlier.is_none()
            && usize::from(file.syntax().text_range().len()) >= parallel_min_bytes;
        if parallel {
            self.program_in_parallel(file);
            return;
        }
        let (funcs, stmts) = self.declarations(file, earlier);
        for f in funcs {
            self.function_body(f);
        }
        self.main_statements(&stmts);
    }

    /// Binds the global names (builtins, `earlier` REPL entries) and analyses the
    /// top-level declarations: classes with their members and layouts, global
    /// variables, the signatures of functions and methods. Returns the functions and
    /// methods whose bodies are still to be lowered, in source order, and the
    /// top-level statements. Deterministic: the same file gives the same ids.
    fn declarations(
        &mut self,
        file: &ast::SourceFile,
        earlier: Option<&HashMap<String, Binding>>,
    ) -> (Vec<FuncId>, Vec<ast::Stmt>) {
        let mut global = Scope {
            func: None,
            names: HashMap::default(),
            assignable: HashSet::default(),
        };
        if let Some(names) = earlier {
            for (name, b) in names {
                global.names.insert(name.clone(), *b);
                if let Binding::Var(v) = b {
                    global.assignable.insert(*v);
                }
            }
        }
        global
            .names
            .insert("print".into(), Binding::Builtin(Builtin::Print));
        global
            .names
            .insert("len".into(), Binding::Builtin(Builtin::Len));
        global
            .names
            .insert("input".into(), Binding::Builtin(Builtin::Input));
        for (name, c) in [
            ("object", ClassRef::Object),
            ("int", ClassRef::Int),
            ("bool", ClassRef::Bool),
            ("str", ClassRef::Str),
        ] {
            global.names.insert(name.into(), Binding::Class(c));
        }
        self.scopes.push(global);

        let items: Vec<ast::Item> = file.items().collect();
        // Classes exist before any declaration: annotations anywhere may name any
        // class. Names are bound in order, so that superclasses must come first.
        for item in &items {
            if let ast::Item::ClassDef(c) = item {
                let Some(name) = c.name() else { continue };
                let id = self.prog.classes.alloc(Class {
                    name: name.text().to_string(),
                    parent: None,
                    attrs: Vec::new(),
                    methods: Vec::new(),
                    span: token_span(&name),
                    layout: Default::default(),
                });
                self.pending.entry(name.text().to_string()).or_insert(id);
                self.class_defs.insert(c.clone(), id);
                self.note(token_span(&name), Def::Class(id));
            }
        }
        let mut funcs = Vec::new();
        for item in &items {
            match item {
                ast::Item::VarDef(d) => {
                    if let Some(def) = self.var_def(d, None) {
                        self.prog.globals.push(def);
                    }
                }
                ast::Item::FuncDef(f) => {
                    if let Some(id) = self.declare_function(f, None, None) {
                        self.prog.functions.push(id);
                        funcs.push(id);
                    }
                }
                ast::Item::ClassDef(c) => {
                    if let Some(id) = self.declare_class(c) {
                        let methods = self.class_members(id, c);
                        // The parent's layout is complete: it was declared before.
                        self.prog.compute_layout(id);
                        funcs.extend(methods);
                    }
                }
                ast::Item::GlobalDecl(_) | ast::Item::NonlocalDecl(_) | ast::Item::Stmt(_) => {}
            }
        }
        for (c, name, span) in std::mem::take(&mut self.attr_decls) {
            if let Some(a) = self.prog.attr_id(c, &name) {
                self.typing.attr_spans.insert(a, span);
                self.note(span, Def::Attr(a));
            }
        }
        let stmts = items
            .into_iter()
            .filter_map(|item| match item {
                ast::Item::Stmt(s) => Some(s),
                _ => None,
            })
            .collect();
        (funcs, stmts)
    }

    /// Lowers the top-level statements into `main`.
    fn main_statements(&mut self, stmts: &[ast::Stmt]) {
        let mut main = Vec::new();
        for s in stmts {
            self.stmt(s, &mut main);
        }
        self.prog.main = main;
    }

    /// Binds a class's name; checks the superclass (it must be a class defined before,
    /// and not `int`, `bool` or `str`). Returns the class to analyse (also when its
    /// name was taken).
    fn declare_class(&mut self, c: &ast::ClassDef) -> Option<ClassId> {
        let id = *self.class_defs.get(c)?;
        let name = self.prog.classes[id].name.clone();
        let span = self.prog.classes[id].span;
        let mut parent = None;
        if let Some(sup) = c.superclass() {
            let sspan = token_span(&sup);
            match self.global(sup.text()) {
                Some(Binding::Class(ClassRef::User(k))) => {
                    self.note(sspan, Def::Class(k));
                    parent = Some(k);
                }
                Some(Binding::Class(ClassRef::Object)) => {}
                Some(Binding::Class(_)) => self.decl_error(
                    SyntaxKind::IDENT,
                    sspan,
                    ErrorKind::ExtendsSpecialClass(sup.text().into()),
                ),
                Some(_) => self.decl_error(
                    SyntaxKind::IDENT,
                    sspan,
                    ErrorKind::SuperclassNotAClass(sup.text().into()),
                ),
                None => self.decl_error(
                    SyntaxKind::IDENT,
                    sspan,
                    ErrorKind::SuperclassNotDefined(sup.text().into()),
                ),
            }
        }
        self.prog.classes[id].parent = parent;
        // A class whose name is taken is still analysed (its members' errors are
        // reported), as in the reference.
        self.declare(&name, span, Binding::Class(ClassRef::User(id)));
        Some(id)
    }

    /// The names of attributes and methods `c` inherits.
    fn inherited(&self, c: ClassId) -> (HashMap<String, Type>, HashMap<String, Signature>) {
        let mut attrs = HashMap::default();
        let mut methods = HashMap::default();
        methods.insert("__init__".to_string(), (vec![Type::Object], Type::None));
        if let Some(p) = self.prog.classes[c].parent {
            for a in self.prog.all_attrs(p) {
                attrs.insert(a.name.clone(), a.ty.clone());
            }
            for e in self.prog.vtable(p) {
                if let Some(f) = e.func {
                    methods.insert(e.name.clone(), self.signature(f));
                }
            }
        }
        (attrs, methods)
    }

    fn signature(&self, f: FuncId) -> Signature {
        let func = &self.prog.funcs[f];
        let params = func
            .params
            .iter()
            .map(|&v| self.prog.vars[v].ty.clone())
            .collect();
        (params, func.ret.clone())
    }

    /// Records a member name of a class body; reports a duplicate.
    fn claim_member(&mut self, own: &mut HashSet<String>, name: &str, span: Span) -> bool {
        if !own.insert(name.to_string()) {
            self.decl_error(
                SyntaxKind::IDENT,
                span,
                ErrorKind::DuplicateDeclaration(name.to_string()),
            );
            return false;
        }
        true
    }

    /// Attributes and method signatures of class `c` (manual 5.2, class definitions):
    /// returns the methods, whose bodies are lowered later.
    fn class_members(&mut self, c: ClassId, def: &ast::ClassDef) -> Vec<FuncId> {
        let (inherited_attrs, inherited_methods) = self.inherited(c);
        let mut own: HashSet<String> = HashSet::default();
        let mut methods = Vec::new();
        let items: Vec<ast::Item> = def.body().map(|b| b.items().collect()).unwrap_or_default();
        for item in &items {
            match item {
                ast::Item::VarDef(d) => {
                    let Some(tv) = d.typed_var() else { continue };
                    let Some(tok) = tv.name() else { continue };
                    let name = tok.text().to_string();
                    let span = token_span(&tok);
                    let ty = self.type_ann(tv.ty()).unwrap_or(Type::Object);
                    let init = self.initialiser(d, &ty);
                    if !self.claim_member(&mut own, &name, span) {
                        continue;
                    }
                    if inherited_attrs.contains_key(&name) || inherited_methods.contains_key(&name)
                    {
                        // Not a member of the class after all: a later member of
                        // the same name is no duplicate (as in the reference).
                        own.remove(&name);
                        self.decl_error(
                            SyntaxKind::IDENT,
                            span,
                            ErrorKind::RedefinesAttribute(name.clone()),
                        );
                        continue;
                    }
                    if let Some(init) = init {
                        if self.keep_types {
                            self.attr_decls.push((c, name.clone(), span));
                        }
                        self.prog.classes[c].attrs.push(Attr { name, ty, init });
                    }
                }
                ast::Item::FuncDef(f) => {
                    let Some(tok) = f.name() else { continue };
                    let name = tok.text().to_string();
                    let span = token_span(&tok);
                    // As the reference: a duplicate method is not analysed at all;
                    // any other is analysed (its body included), then checked
                    // against the superclasses, and becomes a member only if it
                    // passes.
                    if own.contains(&name) {
                        self.decl_error(
                            SyntaxKind::IDENT,
                            span,
                            ErrorKind::DuplicateDeclaration(name.to_string()),
                        );
                        continue;
                    }
                    let Some(id) = self.declare_function(f, None, Some(c)) else {
                        continue;
                    };
                    let (params, ret) = self.signature(id);
                    let overridden = inherited_methods.get(&name).is_some_and(|(iparams, iret)| {
                        !(iparams.len() == params.len()
                            && iparams[1..] == params[1..]
                            && *iret == ret)
                    });
                    let error = if inherited_attrs.contains_key(&name) {
                        Some(ErrorKind::RedefinesAttribute(name.clone()))
                    } else if overridden {
                        Some(ErrorKind::OverrideSignature(name.clone()))
                    } else if params.first() != Some(&Type::Class(c)) {
                        Some(ErrorKind::FirstParameterNotClass(name.clone()))
                    } else {
                        None
                    };
                    match error {
                        Some(msg) => self.decl_error(SyntaxKind::IDENT, span, msg),
                        None => {
                            own.insert(name);
                        }
                    }
                    self.prog.classes[c].methods.push(id);
                    methods.push(id);
                }
                _ => {}
            }
        }
        methods
    }

    /// A type annotation (manual 2.7); `None` after reporting an error.
    fn type_ann(&mut self, t: Option<ast::TypeAnn>) -> Option<Type> {
        match t? {
            ast::TypeAnn::Name(n) => {
                let tok = n.token()?;
                let name = tok.text().trim_matches('"');
                let ty = match (self.global(name), self.pending.get(name)) {
                    (Some(Binding::Class(c)), _) => Some(c.ty()),
                    (None, Some(&c)) => Some(Type::Class(c)),
                    _ => None,
                };
                match ty {
                    Some(ty) => {
                        // A class named by an identifier (not a quoted name) is a
                        // reference.
                        if let (Type::Class(c), SyntaxKind::IDENT) = (&ty, tok.kind()) {
                            self.note(token_span(&tok), Def::Class(*c));
                        }
                        Some(ty)
                    }
                    None => {
                        self.decl_error(
                            SyntaxKind::NAME_TYPE,
                            node_span(&n),
                            ErrorKind::UnknownClass(name.to_string()),
                        );
                        None
                    }
                }
            }
            ast::TypeAnn::List(l) => Some(Type::List(Box::new(self.type_ann(l.elem())?))),
        }
    }

    /// The literal initialiser of a variable definition, checked against `ty`.
    fn initialiser(&mut self, d: &ast::VarDef, ty: &Type) -> Option<Const> {
        let outer = self.order;
        self.order = d.syntax().text_range().start().into();
        let c = self.initialiser_inner(d, ty);
        self.order = outer;
        c
    }

    fn initialiser_inner(&mut self, d: &ast::VarDef, ty: &Type) -> Option<Const> {
        let init = match d.value() {
            Some(value @ ast::Expr::Literal(_)) => {
                let ast::Expr::Literal(lit) = &value else {
                    unreachable!()
                };
                let c = self.literal(lit)?;
                self.record(
                    ptr_kind(lit.syntax()),
                    node_span(lit),
                    Inferred::Value(c.ty()),
                );
                c
            }
            Some(other) => {
                let (kind, span) = expr_node(&other);
                self.error(kind, span, ErrorKind::InitialiserNotLiteral);
                return None;
            }
            None => return None,
        };
        if !self.prog.is_assignable(&init.ty(), ty) {
            self.mismatch(SyntaxKind::VAR_DEF, node_span(d), ty, &init.ty());
        }
        Some(init)
    }

    /// `x: T = literal`, in the global scope (`owner` `None`) or a function's.
    fn var_def(&mut self, d: &ast::VarDef, owner: Option<FuncId>) -> Option<VarDef> {
        let tv = d.typed_var()?;
        let name_tok = tv.name()?;
        let name_span = token_span(&name_tok);
        let ty = self.type_ann(tv.ty()).unwrap_or(Type::Object);
        let init = self.initialiser(d, &ty).unwrap_or_else(|| Const::zero(&ty));
        let var = self.prog.new_var(name_tok.text(), ty, owner, name_span);
        self.note(name_span, Def::Var(var));
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
            SyntaxKind::STRING | SyntaxKind::IDSTRING => {
                Const::Str(chocopy_syntax::lexer::string_value(tok.text()))
            }
            _ => return None,
        })
    }

    /// Creates a function or method (signature only); a function's name is bound in
    /// the current scope, a method's is not (it lives in its class).
    fn declare_function(
        &mut self,
        def: &ast::FuncDef,
        parent: Option<FuncId>,
        method_of: Option<ClassId>,
    ) -> Option<FuncId> {
        let name_tok = def.name()?;
        let name = name_tok.text().to_string();
        let id = self.prog.funcs.alloc(Function {
            name: name.clone(),
            method_of,
            params: Vec::new(),
            ret: Type::None,
            locals: Vec::new(),
            nested: Vec::new(),
            parent,
            body: Vec::new(),
            span: token_span(&name_tok),
        });
        let mut params = Vec::new();
        for tv in def
            .param_list()
            .into_iter()
            .flat_map(|l| l.params().collect::<Vec<_>>())
        {
            let Some(pname) = tv.name() else { continue };
            let ty = self.type_ann(tv.ty()).unwrap_or(Type::Object);
            let v = self
                .prog
                .new_var(pname.text(), ty, Some(id), token_span(&pname));
            self.note(token_span(&pname), Def::Var(v));
            params.push(v);
        }
        self.note(token_span(&name_tok), Def::Func(id));
        self.prog.funcs[id].params = params;
        // The return type after the parameters, in source order for error reports.
        if let Some(r) = def.ret_type() {
            self.prog.funcs[id].ret = self.type_ann(r.ty()).unwrap_or(Type::Object);
        }
        self.defs.insert(id, def.clone());
        if method_of.is_none() {
            self.declare(&name, token_span(&name_tok), Binding::Func(id));
        }
        Some(id)
    }

    fn function_body(&mut self, f: FuncId) {
        let def = self.defs[&f].clone();
        let items: Vec<ast::Item> = def.body().map(|b| b.items().collect()).unwrap_or_default();
        // Sized once: the parameters and at most one name per item.
        let names = self.prog.funcs[f].params.len() + items.len();
        self.scopes.push(Scope {
            func: Some(f),
            names: HashMap::with_capacity_and_hasher(names, Default::default()),
            assignable: HashSet::with_capacity_and_hasher(names, Default::default()),
        });
        for p in self.prog.funcs[f].params.clone() {
            let var = &self.prog.vars[p];
            let (name, span) = (var.name.clone(), var.span);
            self.declare(&name, span, Binding::Var(p));
        }
        let mut nested = Vec::new();
        for item in &items {
            match item {
                ast::Item::VarDef(d) => {
                    if let Some(def) = self.var_def(d, Some(f)) {
                        self.prog.funcs[f].locals.push(def);
                    }
                }
                ast::Item::FuncDef(g) => {
                    if let Some(id) = self.declare_function(g, Some(f), None) {
                        self.prog.funcs[f].nested.push(id);
                        nested.push(id);
                    }
                }
                ast::Item::GlobalDecl(g) => {
                    let Some(tok) = g.name() else { continue };
                    let span = token_span(&tok);
                    match self.global(tok.text()) {
                        Some(Binding::Var(v)) => {
                            self.note(span, Def::Var(v));
                            if self.declare(tok.text(), span, Binding::Var(v)) {
                                self.current().assignable.insert(v);
                            }
                        }
                        _ => self.decl_error(
                            SyntaxKind::IDENT,
                            span,
                            ErrorKind::NotAGlobal(tok.text().into()),
                        ),
                    }
                }
                ast::Item::NonlocalDecl(n) => {
                    let Some(tok) = n.name() else { continue };
                    let span = token_span(&tok);
                    let depth = self.scopes.len();
                    let found = self.scopes[1..depth - 1]
                        .iter()
                        .rev()
                        .find_map(|s| s.names.get(tok.text()).copied());
                    match found {
                        Some(Binding::Var(v)) if self.prog.vars[v].owner.is_some() => {
                            self.note(span, Def::Var(v));
                            if self.declare(tok.text(), span, Binding::Var(v)) {
                                self.current().assignable.insert(v);
                            }
                        }
                        _ => self.decl_error(
                            SyntaxKind::IDENT,
                            span,
                            ErrorKind::NotANonlocal(tok.text().into()),
                        ),
                    }
                }
                ast::Item::ClassDef(_) | ast::Item::Stmt(_) => {}
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
        if matches!(ret, Type::Int | Type::Bool | Type::Str) && !chocopy_ir::always_returns(&body) {
            let name = self.prog.funcs[f].name.clone();
            let span = self.prog.funcs[f].span;
            // Sorted after the function's own declarations, before nested functions.
            self.decl_error_at(
                (span.start, true),
                SyntaxKind::IDENT,
                span,
                ErrorKind::MissingReturn(name),
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

    /// Reports "Expected type `T`; got type `U`" unless `from <=a to`; returns whether
    /// it fits.
    fn expect_assignable(&mut self, kind: SyntaxKind, from: &Type, to: &Type, span: Span) -> bool {
        if self.prog.is_assignable(from, to) {
            return true;
        }
        self.mismatch(kind, span, to, from);
        false
    }

    /// A variable assigned in the current scope (assignment or `for` target).
    /// `Err(Some(v))`: `v` is visible but not assignable here; `Err(None)`: not a
    /// variable. The error is reported.
    fn assigned_var(&mut self, tok: &SyntaxToken, span: Span) -> Result<VarId, Option<VarId>> {
        let (v, late) = self.assigned_var_late(tok, span);
        if let Some(e) = late {
            self.late_error(e);
        }
        v
    }

    /// [`Self::assigned_var`], with the error of a variable not assignable in this
    /// scope returned instead of reported (an assignment reports it after checking
    /// the value's type, as the reference does).
    fn assigned_var_late(
        &mut self,
        tok: &SyntaxToken,
        span: Span,
    ) -> (Result<VarId, Option<VarId>>, Option<LateError>) {
        let name = tok.text();
        match self.lookup(name) {
            Some(Binding::Var(v)) => {
                self.note(token_span(tok), Def::Var(v));
                let in_function = self.current().func.is_some();
                if in_function && !self.current().assignable.contains(&v) {
                    let error = ErrorKind::AssignUndeclared(name.to_string());
                    return (Err(Some(v)), Some((SyntaxKind::IDENT, span, error)));
                }
                (Ok(v), None)
            }
            _ => {
                self.error(
                    SyntaxKind::IDENT,
                    span,
                    ErrorKind::NotAVariable(name.to_string()),
                );
                (Err(None), None)
            }
        }
    }

    fn late_error(&mut self, (kind, span, error): LateError) {
        self.error(kind, span, error);
    }

    /// An assignment target: the place (`None` after an error) and the type it
    /// stores. Records the target's type for the typed AST as the reference does: a
    /// variable not assignable here still has its type, an indexed string is a `str`,
    /// any other target in error is an `object`.
    ///
    /// The error of a variable not assignable in this scope and that of an indexed
    /// string are returned, to be reported after the value's type is checked against
    /// the target's (the reference's order).
    fn target(&mut self, t: &ast::Expr) -> (Option<Place>, Type, Option<LateError>) {
        let (place, ty, late) = self.target_untyped(t);
        if !matches!(t, ast::Expr::Paren(_)) {
            self.record(
                ptr_kind(t.syntax()),
                node_span(t),
                Inferred::Value(ty.clone()),
            );
        }
        (place, ty, late)
    }

    fn target_untyped(&mut self, t: &ast::Expr) -> (Option<Place>, Type, Option<LateError>) {
        let span = node_span(t);
        let fail = (None, Type::Object, None);
        match t {
            ast::Expr::Name(n) => {
                let Some(tok) = n.ident() else { return fail };
                match self.assigned_var_late(&tok, span) {
                    (Ok(v), late) => (Some(Place::Var(v)), self.prog.vars[v].ty.clone(), late),
                    (Err(Some(v)), late) => (None, self.prog.vars[v].ty.clone(), late),
                    (Err(None), late) => (None, Type::Object, late),
                }
            }
            ast::Expr::Member(m) => {
                let (Some(obj), Some(name)) = (m.object(), m.name()) else {
                    return fail;
                };
                let obj = self.expr(&obj);
                let name_span = token_span(&name);
                let name = name.text().to_string();
                match self.attr_type(&obj, &name, span) {
                    Some((a, ty)) => {
                        self.note(name_span, Def::Attr(a));
                        (Some(Place::Attr(Box::new(obj), a)), ty, None)
                    }
                    None => fail,
                }
            }
            ast::Expr::Index(i) => {
                let Some((list, index, ty)) = self.index(i, span) else {
                    return fail;
                };
                match &list.ty {
                    Type::List(_) => (
                        Some(Place::Index(Box::new(list), Box::new(index))),
                        ty,
                        None,
                    ),
                    Type::Str => {
                        let late = (SyntaxKind::INDEX_EXPR, span, ErrorKind::StrNotAList);
                        (None, Type::Str, Some(late))
                    }
                    _ => fail,
                }
            }
            _ => fail,
        }
    }

    /// The list (or string), the index and the element type of `l[i]`, checked as
    /// the reference does: both operands visited, then the indexed type (element
    /// type `object` when it cannot be indexed), then the index type.
    fn index(&mut self, i: &ast::IndexExpr, span: Span) -> Option<(Expr, Expr, Type)> {
        let (base, index) = (i.base()?, i.index()?);
        let list = self.expr(&base);
        let index = self.expr(&index);
        let ty = match &list.ty {
            Type::Str => Type::Str,
            Type::List(e) => (**e).clone(),
            other => {
                let error = ErrorKind::CannotIndex(self.show(other));
                self.error(SyntaxKind::INDEX_EXPR, span, error);
                Type::Object
            }
        };
        self.check_index(&index, span);
        Some((list, index, ty))
    }

    fn stmt(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        let outer = self.order;
        self.order = s.syntax().text_range().start().into();
        self.stmt_inner(s, out);
        self.order = outer;
    }

    fn stmt_inner(&mut self, s: &ast::Stmt, out: &mut Vec<Stmt>) {
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
                let span = node_span(a);
                let targets_ast = a.targets();
                let mut targets = Vec::new();
                for t in &targets_ast {
                    // A target in error still has a type (object when unknown), and the
                    // value is checked against it, as in the reference.
                    let (place, ty, late) = self.target(t);
                    let fits =
                        self.expect_assignable(SyntaxKind::ASSIGN_STMT, &value.ty, &ty, span);
                    if let Some(e) = late {
                        self.late_error(e);
                    }
                    if !fits {
                        continue;
                    }
                    targets.extend(place);
                }
                if targets_ast.len() > 1 && value.ty == Type::List(Box::new(Type::None)) {
                    self.error(
                        SyntaxKind::ASSIGN_STMT,
                        span,
                        ErrorKind::MultipleAssignNoneList,
                    );
                }
                if targets.len() == targets_ast.len() {
                    out.push(Stmt::Assign { targets, value });
                }
            }
            ast::Stmt::Return(r) => {
                let span = node_span(r);
                let Some(f) = self.current().func else {
                    // The reference does not analyse the value then.
                    self.error(SyntaxKind::RETURN_STMT, span, ErrorKind::ReturnAtTopLevel);
                    return;
                };
                let value = r.expr().map(|e| self.expr(&e));
                let ret = self.prog.funcs[f].ret.clone();
                match &value {
                    Some(v) => {
                        let vt = v.ty.clone();
                        self.expect_assignable(SyntaxKind::RETURN_STMT, &vt, &ret, span);
                    }
                    None if !ret.admits_none() => {
                        let error = ErrorKind::ExpectedValueGotNone(self.show(&ret));
                        self.error(SyntaxKind::RETURN_STMT, span, error);
                    }
                    None => {}
                }
                out.push(Stmt::Return { value, span });
            }
            ast::Stmt::If(i) => {
                let cond = self.condition(i.condition(), SyntaxKind::IF_STMT, node_span(i));
                let then_ = self.block(i.then_block());
                let elifs: Vec<ast::ElifClause> = i.elif_clauses().collect();
                let mut lowered: Vec<(Expr, Vec<Stmt>)> = Vec::new();
                for e in &elifs {
                    // An `elif` is an `IfStmt` of its own in the reference's AST.
                    let outer = self.order;
                    self.order = e.syntax().text_range().start().into();
                    let c = self.condition(e.condition(), SyntaxKind::ELIF_CLAUSE, node_span(e));
                    self.order = outer;
                    lowered.push((c, self.block(e.block())));
                }
                // elif chains become nested ifs (manual 2.8.2).
                let mut rest = match i.else_clause() {
                    Some(e) => self.block(e.block()),
                    None => Vec::new(),
                };
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
                let cond = self.condition(w.condition(), SyntaxKind::WHILE_STMT, node_span(w));
                let body = self.block(w.block());
                out.push(Stmt::While { cond, body });
            }
            ast::Stmt::For(f) => {
                let Some(iter_ast) = f.iterable() else {
                    return;
                };
                let iter = self.expr(&iter_ast);
                let var = self.for_target(f, &iter.ty);
                let body = self.block(f.block());
                if let Some(v) = var {
                    out.push(Stmt::For {
                        target: Place::Var(v),
                        iter,
                        body,
                    });
                }
            }
        }
    }

    /// The variable a `for` loop over a value of type `iter` assigns, checked as the
    /// reference does: errors about the iterable, an unknown variable or an element
    /// type that does not fit are the statement's; the variable is first checked to
    /// be assignable in this scope (an error of the identifier), then typed when the
    /// elements fit.
    fn for_target(&mut self, f: &ast::ForStmt, iter: &Type) -> Option<VarId> {
        let span = node_span(f);
        let elem = match iter {
            Type::Str => Type::Str,
            Type::List(e) => (**e).clone(),
            other => {
                let error = ErrorKind::CannotIterate(self.show(other));
                self.error(SyntaxKind::FOR_STMT, span, error);
                return None;
            }
        };
        let tok = f.var()?;
        let Some(Binding::Var(v)) = self.lookup(tok.text()) else {
            let error = ErrorKind::NotAVariable(tok.text().into());
            self.error(SyntaxKind::FOR_STMT, span, error);
            return None;
        };
        let ty = self.prog.vars[v].ty.clone();
        let assignable = self.assigned_var(&tok, token_span(&tok)).ok();
        if !self.expect_assignable(SyntaxKind::FOR_STMT, &elem, &ty, span) {
            return None;
        }
        self.record(SyntaxKind::IDENT, token_span(&tok), Inferred::Value(ty));
        assignable
    }

    fn error_expr(span: Span) -> Expr {
        Expr::new(ExprKind::Const(Const::None), Type::Object, span)
    }

    /// A condition: must be `bool`.
    /// A condition: must be `bool`. The error is reported at the statement or the
    /// conditional expression owning the condition (`kind`, `span`), as the reference.
    fn condition(&mut self, e: Option<ast::Expr>, kind: SyntaxKind, span: Span) -> Expr {
        let Some(e) = e else {
            return Expr::constant(Const::Bool(false), Span::default());
        };
        let c = self.expr(&e);
        if c.ty != Type::Bool {
            let error = ErrorKind::ConditionType(self.show(&c.ty));
            self.mismatch_as(kind, span, error, &Type::Bool, &c.ty);
        }
        c
    }

    fn check_index(&mut self, index: &Expr, span: Span) {
        if index.ty != Type::Int {
            let error = ErrorKind::IndexNotInt(self.show(&index.ty));
            self.mismatch_as(SyntaxKind::INDEX_EXPR, span, error, &Type::Int, &index.ty);
        }
    }

    /// Attribute `name` of `obj` and its type, or an error.
    fn attr_type(&mut self, obj: &Expr, name: &str, span: Span) -> Option<(AttrId, Type)> {
        if let Type::Class(c) = obj.ty {
            if let Some(a) = self.prog.attr_id(c, name) {
                return Some((a, self.prog.attr_def(a).ty.clone()));
            }
        }
        if let Type::List(_) = obj.ty {
            let error = ErrorKind::MemberOfNonClass(self.show(&obj.ty));
            self.error(SyntaxKind::MEMBER_EXPR, span, error);
            return None;
        }
        let error = ErrorKind::NoAttribute {
            name: name.into(),
            class: self.show(&obj.ty),
        };
        self.error(SyntaxKind::MEMBER_EXPR, span, error);
        None
    }

    /// Lowers and type-checks an expression, recording its type for the typed AST.
    fn expr(&mut self, e: &ast::Expr) -> Expr {
        let x = self.expr_untyped(e);
        if !self.keep_types {
            return x;
        }
        if !matches!(e, ast::Expr::Paren(_)) {
            self.record(
                ptr_kind(e.syntax()),
                node_span(e),
                Inferred::Value(x.ty.clone()),
            );
        }
        x
    }

    fn expr_untyped(&mut self, e: &ast::Expr) -> Expr {
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
                    Some(Binding::Var(v)) => {
                        self.note(token_span(&tok), Def::Var(v));
                        self.prog.read(v, span)
                    }
                    _ => {
                        self.error(
                            SyntaxKind::IDENT,
                            span,
                            ErrorKind::NotAVariable(tok.text().into()),
                        );
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
                    let error = ErrorKind::UnaryOperand {
                        op: sym,
                        ty: self.show(&a.ty),
                    };
                    self.error(SyntaxKind::PREFIX_EXPR, span, error);
                    return Expr::new(ExprKind::Const(Const::zero(&ty)), ty, span);
                }
                Expr::new(ExprKind::Unary(op, Box::new(a)), ty, span)
            }
            ast::Expr::Bin(b) => self.binary(b, span),
            ast::Expr::If(i) => {
                // The condition first, as the reference analyses it.
                let cond = self.condition(i.condition(), SyntaxKind::IF_EXPR, span);
                let then_ = i.then_expr().map(|x| self.expr(&x));
                let else_ = i.else_expr().map(|x| self.expr(&x));
                let (Some(a), Some(b)) = (then_, else_) else {
                    return Self::error_expr(span);
                };
                let ty = self.prog.join(&a.ty, &b.ty);
                Expr::new(
                    ExprKind::IfExpr(Box::new(cond), Box::new(a), Box::new(b)),
                    ty,
                    span,
                )
            }
            ast::Expr::Call(c) => self.call(c, span),
            ast::Expr::List(l) => {
                let items: Vec<Expr> = l.elements().map(|x| self.expr(&x)).collect();
                let ty = match items.first() {
                    None => Type::Empty,
                    Some(first) => {
                        let mut t = first.ty.clone();
                        for x in &items[1..] {
                            t = self.prog.join(&t, &x.ty);
                        }
                        Type::List(Box::new(t))
                    }
                };
                Expr::new(ExprKind::List(items), ty, span)
            }
            ast::Expr::Member(m) => {
                let Some(obj) = m.object() else {
                    return Self::error_expr(span);
                };
                // The object is analysed even when the member's name is missing (a
                // syntax error): an editor completing `x.` needs the type of `x`.
                let obj = self.expr(&obj);
                let Some(name) = m.name() else {
                    return Self::error_expr(span);
                };
                let name_span = token_span(&name);
                let name = name.text().to_string();
                match self.attr_type(&obj, &name, span) {
                    Some((a, ty)) => {
                        self.note(name_span, Def::Attr(a));
                        Expr::new(ExprKind::Attr(Box::new(obj), a), ty, span)
                    }
                    None => Self::error_expr(span),
                }
            }
            ast::Expr::Index(i) => match self.index(i, span) {
                Some((base, index, ty)) if matches!(base.ty, Type::Str | Type::List(_)) => {
                    Expr::new(ExprKind::Index(Box::new(base), Box::new(index)), ty, span)
                }
                _ => Self::error_expr(span),
            },
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
        let both = |t: Type| a.ty == t && c.ty == t;
        let result = match op {
            BinOp::Add if both(Type::Str) => Some(Type::Str),
            BinOp::Add => match (&a.ty, &c.ty) {
                (Type::List(x), Type::List(y)) => Some(Type::List(Box::new(self.prog.join(x, y)))),
                _ => both(Type::Int).then_some(Type::Int),
            },
            BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                both(Type::Int).then_some(Type::Int)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => both(Type::Int).then_some(Type::Bool),
            BinOp::Eq | BinOp::Ne => (a.ty == c.ty
                && matches!(a.ty, Type::Int | Type::Bool | Type::Str))
            .then_some(Type::Bool),
            BinOp::Is => (a.ty.admits_none() && c.ty.admits_none()).then_some(Type::Bool),
            BinOp::And | BinOp::Or => both(Type::Bool).then_some(Type::Bool),
        };
        match result {
            Some(ty) => Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(c)), ty, span),
            None => {
                let error = ErrorKind::BinaryOperands {
                    op: op.symbol(),
                    left: self.show(&a.ty),
                    right: self.show(&c.ty),
                };
                self.error(SyntaxKind::BIN_EXPR, span, error);
                // The reference still types arithmetic as int and comparisons as bool;
                // `+` as int only if an operand is an int, else as object.
                let ty = match op {
                    BinOp::Add if a.ty != Type::Int && c.ty != Type::Int => Type::Object,
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::FloorDiv | BinOp::Mod => {
                        Type::Int
                    }
                    _ => Type::Bool,
                };
                Expr::new(ExprKind::Const(Const::zero(&ty)), ty, span)
            }
        }
    }

    /// Checks arguments against parameter types; `first` is the index of the first
    /// argument's parameter in messages (1 for methods, whose parameter 0 is `self`).
    fn check_args(
        &mut self,
        kind: SyntaxKind,
        args: &[Expr],
        params: &[Type],
        first: usize,
        span: Span,
    ) -> bool {
        if args.len() != params.len() {
            self.error(
                kind,
                span,
                ErrorKind::ArgumentCount {
                    expected: params.len(),
                    found: args.len(),
                },
            );
            return false;
        }
        // The first mismatch only, as the reference reports.
        for (i, (a, p)) in args.iter().zip(params).enumerate() {
            if !self.prog.is_assignable(&a.ty, p) {
                let error = ErrorKind::ArgumentType {
                    expected: self.show(p),
                    found: self.show(&a.ty),
                    index: i + first,
                };
                self.mismatch_as(kind, span, error, p, &a.ty);
                return false;
            }
        }
        true
    }

    fn call(&mut self, c: &ast::CallExpr, span: Span) -> Expr {
        let callee = c.callee();
        if let Some(ast::Expr::Member(m)) = &callee {
            return self.method_call(m, c, span);
        }
        let args: Vec<Expr> = c.args().map(|a| self.expr(&a)).collect();
        let Some(ast::Expr::Name(callee)) = callee else {
            return Self::error_expr(span);
        };
        let Some(tok) = callee.ident() else {
            return Self::error_expr(span);
        };
        let name = tok.text();
        match self.lookup(name) {
            Some(Binding::Func(f)) => {
                let (params, ret) = self.signature(f);
                let callee_span = token_span(&tok);
                self.note(callee_span, Def::Func(f));
                self.record(
                    SyntaxKind::IDENT,
                    callee_span,
                    Inferred::Func(params.clone(), ret.clone()),
                );
                self.check_args(SyntaxKind::CALL_EXPR, &args, &params, 0, span);
                Expr::new(ExprKind::Call(f, args), ret, span)
            }
            Some(Binding::Builtin(b)) => {
                let (params, ret) = match b {
                    Builtin::Print => (vec![Type::Object], Type::None),
                    Builtin::Len => (vec![Type::Object], Type::Int),
                    Builtin::Input => (vec![], Type::Str),
                };
                self.record(
                    SyntaxKind::IDENT,
                    token_span(&tok),
                    Inferred::Func(params.clone(), ret.clone()),
                );
                if !self.check_args(SyntaxKind::CALL_EXPR, &args, &params, 0, span) {
                    return Expr::new(ExprKind::Const(Const::zero(&ret)), ret, span);
                }
                Expr::new(ExprKind::Builtin(b, args), ret, span)
            }
            Some(Binding::Class(k)) => {
                if let ClassRef::User(id) = k {
                    self.note(token_span(&tok), Def::Class(id));
                }
                // A constructor takes the arguments of `__init__` after `self`.
                let init = match k {
                    ClassRef::User(id) => self
                        .prog
                        .vtable(id)
                        .get(MethodSlot::INIT.0 as usize)
                        .and_then(|e| e.func),
                    _ => None,
                };
                let params = match init {
                    Some(f) => self.signature(f).0[1..].to_vec(),
                    None => vec![],
                };
                self.check_args(SyntaxKind::CALL_EXPR, &args, &params, 1, span);
                let ty = k.ty();
                let kind = match k {
                    ClassRef::Object => ExprKind::New(None),
                    ClassRef::User(id) => ExprKind::New(Some(id)),
                    _ => ExprKind::Const(Const::zero(&ty)),
                };
                Expr::new(kind, ty, span)
            }
            Some(Binding::Var(_)) | None => {
                let error = ErrorKind::NotCallable(name.to_string());
                self.error(SyntaxKind::CALL_EXPR, span, error);
                Self::error_expr(span)
            }
        }
    }

    /// `obj.name(args)`. As the reference: the arguments are analysed before the
    /// object; list types have no members; `object`, `int`, `bool`, `str`, `<None>`
    /// and `<Empty>` have exactly `object`'s `__init__`.
    fn method_call(&mut self, m: &ast::MemberExpr, c: &ast::CallExpr, span: Span) -> Expr {
        let (Some(obj), Some(name)) = (m.object(), m.name()) else {
            return Self::error_expr(span);
        };
        let args: Vec<Expr> = c.args().map(|a| self.expr(&a)).collect();
        let obj = self.expr(&obj);
        let name_span = token_span(&name);
        let name = name.text().to_string();
        let found = match &obj.ty {
            Type::Class(k) => self.prog.classes[*k]
                .layout
                .method_slot(&name)
                .and_then(|slot| Some((slot, self.prog.vtable(*k).get(slot.0 as usize)?.func))),
            Type::List(_) => {
                let error = ErrorKind::MemberOfNonClass(self.show(&obj.ty));
                self.error(SyntaxKind::CALL_EXPR, span, error);
                return Self::error_expr(span);
            }
            _ if name == "__init__" => Some((MethodSlot::INIT, None)),
            _ => None,
        };
        let Some((slot, f)) = found else {
            let error = ErrorKind::NoMethod {
                name: name.clone(),
                class: self.show(&obj.ty),
            };
            self.error(SyntaxKind::CALL_EXPR, span, error);
            return Self::error_expr(span);
        };
        let (params, ret) = match f {
            Some(f) => {
                self.note(name_span, Def::Func(f));
                self.signature(f)
            }
            None => (vec![Type::Object], Type::None),
        };
        self.record(
            SyntaxKind::MEMBER_EXPR,
            node_span(m),
            Inferred::Func(params.clone(), ret.clone()),
        );
        self.check_args(SyntaxKind::CALL_EXPR, &args, &params[1..], 1, span);
        Expr::new(ExprKind::MethodCall(Box::new(obj), slot, args), ret, span)
    }
}
