//! The kinds of tokens and nodes of the ChocoPy syntax tree.
//!
//! Token kinds follow the lexical structure of the ChocoPy reference manual v2.2,
//! chapter 3; node kinds follow the grammar of chapter 4 (Figure 3). As in
//! rust-analyzer's `SyntaxKind`, one flat `u16` enum holds both, so that rowan can
//! store them in its green tree.

/// A token or node kind. Tokens come first, then nodes; `__LAST` is a sentinel.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub enum SyntaxKind {
    // ---- trivia (never seen by the parser) ----
    /// Spaces and tabs, and the line terminators of blank lines (manual 3.1.4).
    WHITESPACE = 0,
    /// `#` to the end of the physical line (manual 3.1.3).
    COMMENT,
    // ---- layout tokens (manual 3.1) ----
    /// The line terminator ending a logical line; zero width at end of input.
    NEWLINE,
    /// Zero-width token: the indentation level increased.
    INDENT,
    /// Zero-width token: the indentation level decreased by one level.
    DEDENT,
    // ---- literals and names (manual 3.2, 3.4) ----
    /// An identifier (manual 3.2).
    IDENT,
    /// An integer literal (manual 3.4.2).
    INT_NUMBER,
    /// A string literal whose contents are an identifier (`IDSTRING` in the manual).
    IDSTRING,
    /// Any other string literal.
    STRING,
    // ---- keywords (manual 3.3) ----
    /// The keyword `False`.
    FALSE_KW,
    /// The keyword `None`.
    NONE_KW,
    /// The keyword `True`.
    TRUE_KW,
    /// The keyword `and`.
    AND_KW,
    /// The keyword `as`.
    AS_KW,
    /// The keyword `assert`.
    ASSERT_KW,
    /// The keyword `async`.
    ASYNC_KW,
    /// The keyword `await`.
    AWAIT_KW,
    /// The keyword `break`.
    BREAK_KW,
    /// The keyword `class`.
    CLASS_KW,
    /// The keyword `continue`.
    CONTINUE_KW,
    /// The keyword `def`.
    DEF_KW,
    /// The keyword `del`.
    DEL_KW,
    /// The keyword `elif`.
    ELIF_KW,
    /// The keyword `else`.
    ELSE_KW,
    /// The keyword `except`.
    EXCEPT_KW,
    /// The keyword `finally`.
    FINALLY_KW,
    /// The keyword `for`.
    FOR_KW,
    /// The keyword `from`.
    FROM_KW,
    /// The keyword `global`.
    GLOBAL_KW,
    /// The keyword `if`.
    IF_KW,
    /// The keyword `import`.
    IMPORT_KW,
    /// The keyword `in`.
    IN_KW,
    /// The keyword `is`.
    IS_KW,
    /// The keyword `lambda`.
    LAMBDA_KW,
    /// The keyword `nonlocal`.
    NONLOCAL_KW,
    /// The keyword `not`.
    NOT_KW,
    /// The keyword `or`.
    OR_KW,
    /// The keyword `pass`.
    PASS_KW,
    /// The keyword `raise`.
    RAISE_KW,
    /// The keyword `return`.
    RETURN_KW,
    /// The keyword `try`.
    TRY_KW,
    /// The keyword `while`.
    WHILE_KW,
    /// The keyword `with`.
    WITH_KW,
    /// The keyword `yield`.
    YIELD_KW,
    // ---- operators and delimiters (manual 3.5) ----
    /// `+`
    PLUS,
    /// `-`
    MINUS,
    /// `*`
    STAR,
    /// `//`
    SLASH2,
    /// `%`
    PERCENT,
    /// `<`
    LT,
    /// `>`
    GT,
    /// `<=`
    LTEQ,
    /// `>=`
    GTEQ,
    /// `==`
    EQ2,
    /// `!=`
    NEQ,
    /// `=`
    EQ,
    /// `(`
    L_PAREN,
    /// `)`
    R_PAREN,
    /// `[`
    L_BRACK,
    /// `]`
    R_BRACK,
    /// `,`
    COMMA,
    /// `:`
    COLON,
    /// `.`
    DOT,
    /// `->`
    ARROW,
    /// Characters that start no token, and malformed literals.
    ERROR_TOKEN,

    // ---- nodes ----
    /// The whole file: declarations, then statements.
    SOURCE_FILE,
    /// Tokens the parser skipped while recovering from an error.
    ERROR,
    /// `ID : type = literal NEWLINE`
    VAR_DEF,
    /// `ID : type`
    TYPED_VAR,
    /// A class type: `ID` or `IDSTRING`.
    NAME_TYPE,
    /// `[ type ]`
    LIST_TYPE,
    /// `def ID ( params ) -> type : block`
    FUNC_DEF,
    /// `( typed_var , ... )`
    PARAM_LIST,
    /// `-> type`
    RET_TYPE,
    /// `class ID ( ID ) : block`
    CLASS_DEF,
    /// `global ID NEWLINE`
    GLOBAL_DECL,
    /// `nonlocal ID NEWLINE`
    NONLOCAL_DECL,
    /// `NEWLINE INDENT ... DEDENT`: a suite of declarations and statements.
    BLOCK,
    /// An expression evaluated as a statement.
    EXPR_STMT,
    /// `target = target = ... = expr NEWLINE`
    ASSIGN_STMT,
    /// `pass`
    PASS_STMT,
    /// `return [expr]`
    RETURN_STMT,
    /// `if expr : block (elif ...)* (else ...)?`
    IF_STMT,
    /// `elif expr : block`
    ELIF_CLAUSE,
    /// `else : block`
    ELSE_CLAUSE,
    /// `while expr : block`
    WHILE_STMT,
    /// `for ID in expr : block`
    FOR_STMT,
    /// An identifier used as an expression.
    NAME_EXPR,
    /// `None`, `True`, `False`, an integer or a string.
    LITERAL,
    /// `( expr )`
    PAREN_EXPR,
    /// `[ expr , ... ]`
    LIST_EXPR,
    /// `cexpr . ID`
    MEMBER_EXPR,
    /// `cexpr [ expr ]`
    INDEX_EXPR,
    /// `callee ( args )`, the callee a `NAME_EXPR` or a `MEMBER_EXPR`.
    CALL_EXPR,
    /// `( expr , ... )` of a call.
    ARG_LIST,
    /// `lhs op rhs`, including `and`, `or`, `is` and comparisons.
    BIN_EXPR,
    /// `- e` or `not e`.
    PREFIX_EXPR,
    /// `then if cond else otherwise`
    IF_EXPR,
    #[doc(hidden)]
    __LAST,
}

use SyntaxKind::*;

impl SyntaxKind {
    /// Whitespace and comments: kept in the tree, skipped by the parser.
    pub fn is_trivia(self) -> bool {
        matches!(self, WHITESPACE | COMMENT)
    }

    /// Expression nodes (`NAME_EXPR` to `IF_EXPR`, argument lists included). They
    /// never contain layout tokens, and like every node they start and end with a
    /// significant token.
    pub fn is_expr(self) -> bool {
        (NAME_EXPR as u16..=IF_EXPR as u16).contains(&(self as u16))
    }

    /// `NEWLINE`, `INDENT` and `DEDENT`: significant to the parser, but not part of
    /// the source range of a declaration, statement or expression.
    pub fn is_layout(self) -> bool {
        matches!(self, NEWLINE | INDENT | DEDENT)
    }

    /// The keyword kind of `text`, if `text` is one of the manual's keywords (3.3).
    pub fn from_keyword(text: &str) -> Option<SyntaxKind> {
        Some(match text {
            "False" => FALSE_KW,
            "None" => NONE_KW,
            "True" => TRUE_KW,
            "and" => AND_KW,
            "as" => AS_KW,
            "assert" => ASSERT_KW,
            "async" => ASYNC_KW,
            "await" => AWAIT_KW,
            "break" => BREAK_KW,
            "class" => CLASS_KW,
            "continue" => CONTINUE_KW,
            "def" => DEF_KW,
            "del" => DEL_KW,
            "elif" => ELIF_KW,
            "else" => ELSE_KW,
            "except" => EXCEPT_KW,
            "finally" => FINALLY_KW,
            "for" => FOR_KW,
            "from" => FROM_KW,
            "global" => GLOBAL_KW,
            "if" => IF_KW,
            "import" => IMPORT_KW,
            "in" => IN_KW,
            "is" => IS_KW,
            "lambda" => LAMBDA_KW,
            "nonlocal" => NONLOCAL_KW,
            "not" => NOT_KW,
            "or" => OR_KW,
            "pass" => PASS_KW,
            "raise" => RAISE_KW,
            "return" => RETURN_KW,
            "try" => TRY_KW,
            "while" => WHILE_KW,
            "with" => WITH_KW,
            "yield" => YIELD_KW,
            _ => return None,
        })
    }

    /// Whether this kind is a keyword token.
    pub fn is_keyword(self) -> bool {
        (FALSE_KW as u16..=YIELD_KW as u16).contains(&(self as u16))
    }

    /// The token name the reference implementation's parser uses in its
    /// "Parse error near token NAME: text" messages (its JFlex/CUP symbol names).
    pub fn reference_name(self) -> &'static str {
        match self {
            NEWLINE => "NEWLINE",
            INDENT => "INDENT",
            DEDENT => "DEDENT",
            IDENT => "IDENTIFIER",
            INT_NUMBER => "INTEGER",
            IDSTRING => "IDSTRING",
            STRING => "STRING",
            FALSE_KW => "FALSE",
            NONE_KW => "NONE",
            TRUE_KW => "TRUE",
            AND_KW => "AND",
            AS_KW => "RESERVED",
            ASSERT_KW => "RESERVED",
            ASYNC_KW => "RESERVED",
            AWAIT_KW => "RESERVED",
            BREAK_KW => "RESERVED",
            CLASS_KW => "CLASS",
            CONTINUE_KW => "RESERVED",
            DEF_KW => "DEF",
            DEL_KW => "RESERVED",
            ELIF_KW => "ELIF",
            ELSE_KW => "ELSE",
            EXCEPT_KW => "RESERVED",
            FINALLY_KW => "RESERVED",
            FOR_KW => "FOR",
            FROM_KW => "RESERVED",
            GLOBAL_KW => "GLOBAL",
            IF_KW => "IF",
            IMPORT_KW => "RESERVED",
            IN_KW => "IN",
            IS_KW => "IS",
            LAMBDA_KW => "RESERVED",
            NONLOCAL_KW => "NONLOCAL",
            NOT_KW => "NOT",
            OR_KW => "OR",
            PASS_KW => "PASS",
            RAISE_KW => "RESERVED",
            RETURN_KW => "RETURN",
            TRY_KW => "RESERVED",
            WHILE_KW => "WHILE",
            WITH_KW => "RESERVED",
            YIELD_KW => "RESERVED",
            PLUS => "PLUS",
            MINUS => "MINUS",
            STAR => "TIMES",
            SLASH2 => "IDIV",
            PERCENT => "MOD",
            LT => "LT",
            GT => "GT",
            LTEQ => "LEQ",
            GTEQ => "GEQ",
            EQ2 => "EQEQ",
            NEQ => "NEQ",
            EQ => "EQ",
            L_PAREN => "LPAREN",
            R_PAREN => "RPAREN",
            L_BRACK => "LINDEX",
            R_BRACK => "RINDEX",
            COMMA => "COMMA",
            COLON => "COLON",
            DOT => "DOT",
            ARROW => "ARROW",
            ERROR_TOKEN => "UNRECOGNIZED",
            _ => "EOF",
        }
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language tag of ChocoPy trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChocoPy {}

impl rowan::Language for ChocoPy {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        assert!(raw.0 < __LAST as u16, "raw syntax kind out of range");
        // SAFETY: `SyntaxKind` is `repr(u16)` with contiguous discriminants below `__LAST`.
        unsafe { std::mem::transmute::<u16, SyntaxKind>(raw.0) }
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

/// A node of the ChocoPy syntax tree.
pub type SyntaxNode = rowan::SyntaxNode<ChocoPy>;
/// A token of the ChocoPy syntax tree.
pub type SyntaxToken = rowan::SyntaxToken<ChocoPy>;
/// A node or a token.
pub type SyntaxElement = rowan::SyntaxElement<ChocoPy>;
