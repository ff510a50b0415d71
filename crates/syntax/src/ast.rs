//! The typed AST layer: zero-cost wrappers over [`SyntaxNode`]s of known kinds, after
//! rust-analyzer's `ast` module. Every accessor returns an `Option` (or an iterator),
//! because a tree with syntax errors may lack any part.

use crate::{SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken, TextSize};
use rowan::Language;

/// A typed view of a syntax node.
pub trait AstNode: Sized {
    /// Whether a node of `kind` is one of these.
    fn can_cast(kind: SyntaxKind) -> bool;
    /// Wraps `node` if its kind fits.
    fn cast(node: SyntaxNode) -> Option<Self>;
    /// The underlying node.
    fn syntax(&self) -> &SyntaxNode;
}

macro_rules! ast_node {
    ($(#[$doc:meta])* $name:ident, $kind:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(SyntaxNode);
        impl AstNode for $name {
            fn can_cast(kind: SyntaxKind) -> bool {
                kind == $kind
            }
            fn cast(node: SyntaxNode) -> Option<Self> {
                (node.kind() == $kind).then(|| $name(node))
            }
            fn syntax(&self) -> &SyntaxNode {
                &self.0
            }
        }
        impl $name {
            /// Wraps `node` if its kind fits.
            pub fn cast(node: SyntaxNode) -> Option<Self> {
                <Self as AstNode>::cast(node)
            }
        }
    };
}

/// The first child node of `node` that is an `N`.
fn child<N: AstNode>(node: &SyntaxNode) -> Option<N> {
    nth_child(node, 0)
}

/// The child node of `node` that is the `n`-th `N` (from 0).
fn nth_child<N: AstNode>(node: &SyntaxNode, n: usize) -> Option<N> {
    nth_child_where(node, n, |is_node, kind| is_node && N::can_cast(kind))
        .and_then(|e| e.into_node())
        .and_then(N::cast)
}

/// The last child node of `node` that is an `N`.
fn last_child<N: AstNode>(node: &SyntaxNode) -> Option<N> {
    last_child_where(node, |is_node, kind| is_node && N::can_cast(kind))
        .and_then(|e| e.into_node())
        .and_then(N::cast)
}

fn children<N: AstNode>(node: &SyntaxNode) -> impl Iterator<Item = N> {
    node.children().filter_map(N::cast)
}

/// The first child token of `node` of `kind`.
fn token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    nth_token(node, kind, 0)
}

/// The `n`-th child token of `node` of `kind` (from 0).
fn nth_token(node: &SyntaxNode, kind: SyntaxKind, n: usize) -> Option<SyntaxToken> {
    nth_child_where(node, n, |is_node, k| !is_node && k == kind).and_then(|e| e.into_token())
}

/// The first child token of `node` that is not trivia (an operator, a literal).
fn significant_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    nth_child_where(node, 0, |is_node, k| !is_node && !k.is_trivia()).and_then(|e| e.into_token())
}

/// The `n`-th child element of `node` (from 0) for which `wanted(is a node, kind)`
/// holds. Found in the green tree, so that only that element gets a cursor (a cursor
/// per child visited was a quarter of the checker's time).
fn nth_child_where(
    node: &SyntaxNode,
    n: usize,
    wanted: impl Fn(bool, SyntaxKind) -> bool,
) -> Option<crate::SyntaxElement> {
    let mut offset = node.text_range().start();
    let mut seen = 0;
    for (i, c) in node.green().children().enumerate() {
        let len = c.text_len();
        if wanted(
            c.as_node().is_some(),
            crate::ChocoPy::kind_from_raw(c.kind()),
        ) {
            if seen == n {
                return reach(node, i, offset, len, || {
                    node.children_with_tokens()
                        .filter(|e| wanted(e.as_node().is_some(), e.kind()))
                        .nth(n)
                });
            }
            seen += 1;
        }
        offset += len;
    }
    None
}

/// The last child element of `node` for which `wanted(is a node, kind)` holds,
/// found as [`nth_child_where`] finds one.
fn last_child_where(
    node: &SyntaxNode,
    wanted: impl Fn(bool, SyntaxKind) -> bool,
) -> Option<crate::SyntaxElement> {
    let mut offset = node.text_range().start();
    let mut found = None;
    for (i, c) in node.green().children().enumerate() {
        let len = c.text_len();
        if wanted(
            c.as_node().is_some(),
            crate::ChocoPy::kind_from_raw(c.kind()),
        ) {
            found = Some((i, offset, len));
        }
        offset += len;
    }
    let (i, offset, len) = found?;
    reach(node, i, offset, len, || {
        node.children_with_tokens()
            .filter(|e| wanted(e.as_node().is_some(), e.kind()))
            .last()
    })
}

/// A cursor for child `index` of `node`, at `offset` and `len` long: the first and
/// the last child directly, another by its range (a binary search), or, when it is
/// empty (its range does not tell it from its empty neighbours), by `walk` over the
/// cursors.
fn reach(
    node: &SyntaxNode,
    index: usize,
    offset: TextSize,
    len: TextSize,
    walk: impl FnOnce() -> Option<crate::SyntaxElement>,
) -> Option<crate::SyntaxElement> {
    if index == 0 {
        node.first_child_or_token()
    } else if index + 1 == node.green().children().len() {
        node.last_child_or_token()
    } else if len > TextSize::from(0) {
        node.child_or_token_at_range(rowan::TextRange::at(offset, len))
    } else {
        walk()
    }
}

ast_node!(
    /// The whole program.
    SourceFile, SOURCE_FILE);
ast_node!(
    /// `NEWLINE INDENT ... DEDENT`
    Block, BLOCK);
ast_node!(
    /// `x: T = literal`
    VarDef, VAR_DEF);
ast_node!(
    /// `x: T`
    TypedVar, TYPED_VAR);
ast_node!(
    /// `def f(...) -> T: ...`
    FuncDef, FUNC_DEF);
ast_node!(
    /// The parenthesised parameters of a function.
    ParamList, PARAM_LIST);
ast_node!(
    /// `-> T`
    RetType, RET_TYPE);
ast_node!(
    /// `class C(B): ...`
    ClassDef, CLASS_DEF);
ast_node!(
    /// `global x`
    GlobalDecl, GLOBAL_DECL);
ast_node!(
    /// `nonlocal x`
    NonlocalDecl, NONLOCAL_DECL);
ast_node!(
    /// A class name type annotation: `int` or `"C"`.
    NameType, NAME_TYPE);
ast_node!(
    /// `[T]`
    ListType, LIST_TYPE);
ast_node!(
    /// An expression used as a statement.
    ExprStmt, EXPR_STMT);
ast_node!(
    /// `t1 = t2 = ... = e`
    AssignStmt, ASSIGN_STMT);
ast_node!(
    /// `pass`
    PassStmt, PASS_STMT);
ast_node!(
    /// `return` or `return e`
    ReturnStmt, RETURN_STMT);
ast_node!(
    /// `if`, with its `elif` and `else` clauses.
    IfStmt, IF_STMT);
ast_node!(
    /// `elif e: block`
    ElifClause, ELIF_CLAUSE);
ast_node!(
    /// `else: block`
    ElseClause, ELSE_CLAUSE);
ast_node!(
    /// `while e: block`
    WhileStmt, WHILE_STMT);
ast_node!(
    /// `for x in e: block`
    ForStmt, FOR_STMT);
ast_node!(
    /// An identifier expression.
    NameExpr, NAME_EXPR);
ast_node!(
    /// A literal expression.
    Literal, LITERAL);
ast_node!(
    /// `(e)`
    ParenExpr, PAREN_EXPR);
ast_node!(
    /// `[e, ...]`
    ListExpr, LIST_EXPR);
ast_node!(
    /// `e.name`
    MemberExpr, MEMBER_EXPR);
ast_node!(
    /// `e[i]`
    IndexExpr, INDEX_EXPR);
ast_node!(
    /// `f(args)` or `e.m(args)`
    CallExpr, CALL_EXPR);
ast_node!(
    /// The arguments of a call.
    ArgList, ARG_LIST);
ast_node!(
    /// `lhs op rhs`
    BinExpr, BIN_EXPR);
ast_node!(
    /// `-e` or `not e`
    PrefixExpr, PREFIX_EXPR);
ast_node!(
    /// `a if c else b`
    IfExpr, IF_EXPR);

/// A declaration or statement in a program, function or class body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    /// A `VarDef` node.
    VarDef(VarDef),
    /// A `FuncDef` node.
    FuncDef(FuncDef),
    /// A `ClassDef` node.
    ClassDef(ClassDef),
    /// A `GlobalDecl` node.
    GlobalDecl(GlobalDecl),
    /// A `NonlocalDecl` node.
    NonlocalDecl(NonlocalDecl),
    /// A `Stmt` node.
    Stmt(Stmt),
}

impl AstNode for Item {
    fn can_cast(kind: SyntaxKind) -> bool {
        matches!(
            kind,
            VAR_DEF | FUNC_DEF | CLASS_DEF | GLOBAL_DECL | NONLOCAL_DECL
        ) || Stmt::can_cast(kind)
    }
    fn cast(node: SyntaxNode) -> Option<Self> {
        Some(match node.kind() {
            VAR_DEF => Item::VarDef(VarDef(node)),
            FUNC_DEF => Item::FuncDef(FuncDef(node)),
            CLASS_DEF => Item::ClassDef(ClassDef(node)),
            GLOBAL_DECL => Item::GlobalDecl(GlobalDecl(node)),
            NONLOCAL_DECL => Item::NonlocalDecl(NonlocalDecl(node)),
            _ => Item::Stmt(Stmt::cast(node)?),
        })
    }
    fn syntax(&self) -> &SyntaxNode {
        match self {
            Item::VarDef(n) => n.syntax(),
            Item::FuncDef(n) => n.syntax(),
            Item::ClassDef(n) => n.syntax(),
            Item::GlobalDecl(n) => n.syntax(),
            Item::NonlocalDecl(n) => n.syntax(),
            Item::Stmt(n) => n.syntax(),
        }
    }
}

/// A statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stmt {
    /// An `ExprStmt` node.
    Expr(ExprStmt),
    /// An `AssignStmt` node.
    Assign(AssignStmt),
    /// A `PassStmt` node.
    Pass(PassStmt),
    /// A `ReturnStmt` node.
    Return(ReturnStmt),
    /// An `IfStmt` node.
    If(IfStmt),
    /// A `WhileStmt` node.
    While(WhileStmt),
    /// A `ForStmt` node.
    For(ForStmt),
}

impl AstNode for Stmt {
    fn can_cast(kind: SyntaxKind) -> bool {
        matches!(
            kind,
            EXPR_STMT | ASSIGN_STMT | PASS_STMT | RETURN_STMT | IF_STMT | WHILE_STMT | FOR_STMT
        )
    }
    fn cast(node: SyntaxNode) -> Option<Self> {
        Some(match node.kind() {
            EXPR_STMT => Stmt::Expr(ExprStmt(node)),
            ASSIGN_STMT => Stmt::Assign(AssignStmt(node)),
            PASS_STMT => Stmt::Pass(PassStmt(node)),
            RETURN_STMT => Stmt::Return(ReturnStmt(node)),
            IF_STMT => Stmt::If(IfStmt(node)),
            WHILE_STMT => Stmt::While(WhileStmt(node)),
            FOR_STMT => Stmt::For(ForStmt(node)),
            _ => return None,
        })
    }
    fn syntax(&self) -> &SyntaxNode {
        match self {
            Stmt::Expr(n) => n.syntax(),
            Stmt::Assign(n) => n.syntax(),
            Stmt::Pass(n) => n.syntax(),
            Stmt::Return(n) => n.syntax(),
            Stmt::If(n) => n.syntax(),
            Stmt::While(n) => n.syntax(),
            Stmt::For(n) => n.syntax(),
        }
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A `NameExpr` node.
    Name(NameExpr),
    /// A `Literal` node.
    Literal(Literal),
    /// A `ParenExpr` node.
    Paren(ParenExpr),
    /// A `ListExpr` node.
    List(ListExpr),
    /// A `MemberExpr` node.
    Member(MemberExpr),
    /// An `IndexExpr` node.
    Index(IndexExpr),
    /// A `CallExpr` node.
    Call(CallExpr),
    /// A `BinExpr` node.
    Bin(BinExpr),
    /// A `PrefixExpr` node.
    Prefix(PrefixExpr),
    /// An `IfExpr` node.
    If(IfExpr),
}

impl AstNode for Expr {
    fn can_cast(kind: SyntaxKind) -> bool {
        matches!(
            kind,
            NAME_EXPR
                | LITERAL
                | PAREN_EXPR
                | LIST_EXPR
                | MEMBER_EXPR
                | INDEX_EXPR
                | CALL_EXPR
                | BIN_EXPR
                | PREFIX_EXPR
                | IF_EXPR
        )
    }
    fn cast(node: SyntaxNode) -> Option<Self> {
        Some(match node.kind() {
            NAME_EXPR => Expr::Name(NameExpr(node)),
            LITERAL => Expr::Literal(Literal(node)),
            PAREN_EXPR => Expr::Paren(ParenExpr(node)),
            LIST_EXPR => Expr::List(ListExpr(node)),
            MEMBER_EXPR => Expr::Member(MemberExpr(node)),
            INDEX_EXPR => Expr::Index(IndexExpr(node)),
            CALL_EXPR => Expr::Call(CallExpr(node)),
            BIN_EXPR => Expr::Bin(BinExpr(node)),
            PREFIX_EXPR => Expr::Prefix(PrefixExpr(node)),
            IF_EXPR => Expr::If(IfExpr(node)),
            _ => return None,
        })
    }
    fn syntax(&self) -> &SyntaxNode {
        match self {
            Expr::Name(n) => n.syntax(),
            Expr::Literal(n) => n.syntax(),
            Expr::Paren(n) => n.syntax(),
            Expr::List(n) => n.syntax(),
            Expr::Member(n) => n.syntax(),
            Expr::Index(n) => n.syntax(),
            Expr::Call(n) => n.syntax(),
            Expr::Bin(n) => n.syntax(),
            Expr::Prefix(n) => n.syntax(),
            Expr::If(n) => n.syntax(),
        }
    }
}

/// A type annotation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeAnn {
    /// A `NameType` node.
    Name(NameType),
    /// A `ListType` node.
    List(ListType),
}

impl AstNode for TypeAnn {
    fn can_cast(kind: SyntaxKind) -> bool {
        matches!(kind, NAME_TYPE | LIST_TYPE)
    }
    fn cast(node: SyntaxNode) -> Option<Self> {
        Some(match node.kind() {
            NAME_TYPE => TypeAnn::Name(NameType(node)),
            LIST_TYPE => TypeAnn::List(ListType(node)),
            _ => return None,
        })
    }
    fn syntax(&self) -> &SyntaxNode {
        match self {
            TypeAnn::Name(n) => n.syntax(),
            TypeAnn::List(n) => n.syntax(),
        }
    }
}

impl SourceFile {
    /// Declarations and statements, in order.
    pub fn items(&self) -> impl Iterator<Item = Item> {
        children(&self.0)
    }
}

impl Block {
    /// Declarations and statements, in order.
    pub fn items(&self) -> impl Iterator<Item = Item> {
        children(&self.0)
    }
}

impl VarDef {
    /// `x: T`
    pub fn typed_var(&self) -> Option<TypedVar> {
        child(&self.0)
    }
    /// The initialiser (a literal in a well-formed program).
    pub fn value(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl TypedVar {
    /// The identifier token.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
    /// The annotation.
    pub fn ty(&self) -> Option<TypeAnn> {
        child(&self.0)
    }
}

impl NameType {
    /// The `IDENT` or `IDSTRING` token.
    pub fn token(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT).or_else(|| token(&self.0, IDSTRING))
    }
    /// The class name, quotes removed for `"C"`.
    pub fn class_name(&self) -> Option<String> {
        let t = self.token()?;
        Some(t.text().trim_matches('"').to_string())
    }
}

impl ListType {
    /// The element type.
    pub fn elem(&self) -> Option<TypeAnn> {
        child(&self.0)
    }
}

impl FuncDef {
    /// The function's name.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
    /// `(params)`
    pub fn param_list(&self) -> Option<ParamList> {
        child(&self.0)
    }
    /// `-> T`, absent for `<None>`.
    pub fn ret_type(&self) -> Option<RetType> {
        child(&self.0)
    }
    /// The body.
    pub fn body(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl ParamList {
    /// The parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = TypedVar> {
        children(&self.0)
    }
}

impl RetType {
    /// The return type annotation.
    pub fn ty(&self) -> Option<TypeAnn> {
        child(&self.0)
    }
}

impl ClassDef {
    /// The class name.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
    /// The superclass name.
    pub fn superclass(&self) -> Option<SyntaxToken> {
        nth_token(&self.0, IDENT, 1)
    }
    /// The class body.
    pub fn body(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl GlobalDecl {
    /// The declared name.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
}

impl NonlocalDecl {
    /// The declared name.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
}

impl ExprStmt {
    /// The expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl AssignStmt {
    /// The targets, left to right (all expressions but the last).
    pub fn targets(&self) -> Vec<Expr> {
        let mut all: Vec<Expr> = children(&self.0).collect();
        all.pop();
        all
    }
    /// The assigned value (the last expression).
    pub fn value(&self) -> Option<Expr> {
        last_child(&self.0)
    }
}

impl ReturnStmt {
    /// The returned expression, if any.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The `return` keyword.
    pub fn keyword(&self) -> Option<SyntaxToken> {
        token(&self.0, RETURN_KW)
    }
}

impl IfStmt {
    /// The condition.
    pub fn condition(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The block run when the condition holds.
    pub fn then_block(&self) -> Option<Block> {
        child(&self.0)
    }
    /// The `elif` clauses, in order.
    pub fn elif_clauses(&self) -> impl Iterator<Item = ElifClause> {
        children(&self.0)
    }
    /// The `else` clause.
    pub fn else_clause(&self) -> Option<ElseClause> {
        child(&self.0)
    }
}

impl ElifClause {
    /// The condition.
    pub fn condition(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The block.
    pub fn block(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl ElseClause {
    /// The block.
    pub fn block(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl WhileStmt {
    /// The condition.
    pub fn condition(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The body.
    pub fn block(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl ForStmt {
    /// The loop variable.
    pub fn var(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
    /// The iterated expression.
    pub fn iterable(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The body.
    pub fn block(&self) -> Option<Block> {
        child(&self.0)
    }
}

impl NameExpr {
    /// The identifier token.
    pub fn ident(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
}

impl Literal {
    /// The literal's token (`None`, `True`, `False`, a number or a string).
    pub fn token(&self) -> Option<SyntaxToken> {
        significant_token(&self.0)
    }
}

impl ParenExpr {
    /// The inner expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ListExpr {
    /// The elements.
    pub fn elements(&self) -> impl Iterator<Item = Expr> {
        children(&self.0)
    }
}

impl MemberExpr {
    /// The object.
    pub fn object(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The member name.
    pub fn name(&self) -> Option<SyntaxToken> {
        token(&self.0, IDENT)
    }
}

impl IndexExpr {
    /// The indexed expression.
    pub fn base(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The index.
    pub fn index(&self) -> Option<Expr> {
        nth_child(&self.0, 1)
    }
}

impl CallExpr {
    /// The callee: a name or a member expression.
    pub fn callee(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The arguments.
    pub fn args(&self) -> impl Iterator<Item = Expr> {
        child::<ArgList>(&self.0)
            .into_iter()
            .flat_map(|a| children::<Expr>(&a.0).collect::<Vec<_>>())
    }
}

impl BinExpr {
    /// The left operand.
    pub fn lhs(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The right operand.
    pub fn rhs(&self) -> Option<Expr> {
        nth_child(&self.0, 1)
    }
    /// The operator token.
    pub fn op(&self) -> Option<SyntaxToken> {
        significant_token(&self.0)
    }
}

impl PrefixExpr {
    /// The operator token (`-` or `not`).
    pub fn op(&self) -> Option<SyntaxToken> {
        significant_token(&self.0)
    }
    /// The operand.
    pub fn operand(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl IfExpr {
    /// The value when the condition holds (first operand).
    pub fn then_expr(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The condition (second operand).
    pub fn condition(&self) -> Option<Expr> {
        nth_child(&self.0, 1)
    }
    /// The value otherwise (third operand).
    pub fn else_expr(&self) -> Option<Expr> {
        nth_child(&self.0, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `can_cast` agrees with `cast` on every kind.
    #[test]
    fn can_cast_agrees_with_cast() {
        fn agrees<N: AstNode>(kind: SyntaxKind) {
            let node = SyntaxNode::new_root(rowan::GreenNode::new(kind.into(), []));
            assert_eq!(N::can_cast(kind), N::cast(node).is_some(), "{kind:?}");
        }
        for raw in 0..__LAST as u16 {
            let kind = crate::ChocoPy::kind_from_raw(rowan::SyntaxKind(raw));
            agrees::<Item>(kind);
            agrees::<Stmt>(kind);
            agrees::<Expr>(kind);
            agrees::<TypeAnn>(kind);
            agrees::<FuncDef>(kind);
            agrees::<Block>(kind);
        }
    }

    /// The green-tree searches of `child`, `nth_child`, `last_child`, `token`,
    /// `nth_token` and `significant_token` find what a walk over the cursors finds, at every node of every conformance program (errors included:
    /// their trees have empty nodes and tokens).
    #[test]
    fn green_searches_find_what_a_walk_finds() {
        fn same<N: AstNode + PartialEq + std::fmt::Debug>(node: &SyntaxNode) {
            assert_eq!(child::<N>(node), node.children().find_map(N::cast));
            for n in 0..4 {
                assert_eq!(
                    nth_child::<N>(node, n),
                    node.children().filter_map(N::cast).nth(n)
                );
            }
            assert_eq!(
                last_child::<N>(node),
                node.children().filter_map(N::cast).last()
            );
        }
        let mut checked = 0;
        for f in crate::test_programs() {
            let text = std::fs::read_to_string(&f).unwrap();
            let root = crate::parse(&text).syntax_node();
            for node in root.descendants() {
                same::<Expr>(&node);
                same::<Stmt>(&node);
                same::<Block>(&node);
                same::<TypeAnn>(&node);
                same::<ParamList>(&node);
                let tokens: Vec<SyntaxToken> = node
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .collect();
                for raw in 0..__LAST as u16 {
                    let kind = crate::ChocoPy::kind_from_raw(rowan::SyntaxKind(raw));
                    let walk = tokens.iter().find(|t| t.kind() == kind);
                    assert_eq!(token(&node, kind).as_ref(), walk, "{}", f.display());
                    for n in 0..3 {
                        let walk = tokens.iter().filter(|t| t.kind() == kind).nth(n);
                        assert_eq!(nth_token(&node, kind, n).as_ref(), walk);
                    }
                }
                let walk = tokens.iter().find(|t| !t.kind().is_trivia());
                assert_eq!(significant_token(&node).as_ref(), walk);
                checked += 1;
            }
        }
        assert!(checked > 5_000, "{checked} nodes");
    }
}
