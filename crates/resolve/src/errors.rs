//! Semantic errors: every kind the checker reports, with its message in one place.
//!
//! The messages are the reference implementation's (ChocoPy reference manual v2.2,
//! chapter 5, as `chocopy-ref` words them; see `shared/conformance/berkeley/pa2`), so
//! that tools comparing error lists with the reference's find the same text. Types in
//! messages are spelled as the manual spells them (`int`, `<None>`, `[A]`).

/// What is wrong, with the names and types the message mentions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    // Declaration analysis (names, classes, signatures, annotations, returns). When
    // any of these is found, the program is not type-checked (as in the reference).
    /// A function-scope name that is a class name.
    ShadowsClassName(String),
    /// A name declared twice in one scope.
    DuplicateDeclaration(String),
    /// A class extending `int`, `bool` or `str`.
    ExtendsSpecialClass(String),
    /// A superclass name that is no class.
    SuperclassNotAClass(String),
    /// A superclass name that is not defined (before the class).
    SuperclassNotDefined(String),
    /// An attribute or method named like an inherited attribute, or an attribute
    /// named like an inherited method.
    RedefinesAttribute(String),
    /// A method overriding one with another signature.
    OverrideSignature(String),
    /// A method whose first parameter is not of its class.
    FirstParameterNotClass(String),
    /// A type annotation naming no class.
    UnknownClass(String),
    /// `global x` where `x` is no global variable.
    NotAGlobal(String),
    /// `nonlocal x` where `x` is no variable of an enclosing function.
    NotANonlocal(String),
    /// A function returning `int`, `bool` or `str` that can end without `return`.
    MissingReturn(String),

    // Type checking.
    /// A variable initialiser that is not a literal.
    InitialiserNotLiteral,
    /// A value of type `found` where `expected` is needed.
    TypeMismatch {
        /// The needed type.
        expected: String,
        /// The value's type.
        found: String,
    },
    /// An argument of the wrong type: parameter `index` (counted from 0, or from 1
    /// for methods and constructors, whose `self` is parameter 0).
    ArgumentType {
        /// The parameter's type.
        expected: String,
        /// The argument's type.
        found: String,
        /// The parameter's position.
        index: usize,
    },
    /// A call with the wrong number of arguments.
    ArgumentCount {
        /// Parameters.
        expected: usize,
        /// Arguments.
        found: usize,
    },
    /// An assignment to a name the scope does not declare (nor `global`/`nonlocal`).
    AssignUndeclared(String),
    /// A name used as a variable that is none.
    NotAVariable(String),
    /// A name called that is no function or class.
    NotCallable(String),
    /// Indexing a value that is neither a list nor a string.
    CannotIndex(String),
    /// An index that is not an `int`.
    IndexNotInt(String),
    /// An assignment to an element of a string.
    StrNotAList,
    /// `x = y = [None]`: the reference forbids `[<None>]` in multiple assignment.
    MultipleAssignNoneList,
    /// `return` outside a function.
    ReturnAtTopLevel,
    /// `return` without a value where the return type is not `<None>`-admitting.
    ExpectedValueGotNone(String),
    /// `for` over a value that is neither a list nor a string.
    CannotIterate(String),
    /// An `if`/`while`/conditional-expression condition that is not a `bool`.
    ConditionType(String),
    /// A member (attribute or method) of a list.
    MemberOfNonClass(String),
    /// An attribute the class does not have.
    NoAttribute {
        /// The attribute.
        name: String,
        /// The object's type.
        class: String,
    },
    /// A method the class does not have.
    NoMethod {
        /// The method.
        name: String,
        /// The object's type.
        class: String,
    },
    /// A unary operator on an operand of the wrong type.
    UnaryOperand {
        /// `-` or `not`.
        op: &'static str,
        /// The operand's type.
        ty: String,
    },
    /// A binary operator on operands of the wrong types.
    BinaryOperands {
        /// The operator.
        op: &'static str,
        /// The left operand's type.
        left: String,
        /// The right operand's type.
        right: String,
    },
}

impl ErrorKind {
    /// The reference implementation's message.
    pub fn message(&self) -> String {
        use ErrorKind::*;
        match self {
            ShadowsClassName(n) => format!("Cannot shadow class name: {n}"),
            DuplicateDeclaration(n) => {
                format!("Duplicate declaration of identifier in same scope: {n}")
            }
            ExtendsSpecialClass(n) => format!("Cannot extend special class: {n}"),
            SuperclassNotAClass(n) => format!("Super-class must be a class: {n}"),
            SuperclassNotDefined(n) => format!("Super-class not defined: {n}"),
            RedefinesAttribute(n) => format!("Cannot re-define attribute: {n}"),
            OverrideSignature(n) => {
                format!("Method overridden with different type signature: {n}")
            }
            FirstParameterNotClass(n) => format!(
                "First parameter of the following method must be of the enclosing class: {n}"
            ),
            UnknownClass(n) => {
                format!("Invalid type annotation; there is no class named: {n}")
            }
            NotAGlobal(n) => format!("Not a global variable: {n}"),
            NotANonlocal(n) => format!("Not a nonlocal variable: {n}"),
            MissingReturn(n) => {
                format!("All paths in this function/method must have a return statement: {n}")
            }
            InitialiserNotLiteral => "Variable initialisers must be literals".into(),
            TypeMismatch { expected, found } => {
                format!("Expected type `{expected}`; got type `{found}`")
            }
            ArgumentType {
                expected,
                found,
                index,
            } => format!("Expected type `{expected}`; got type `{found}` in parameter {index}"),
            ArgumentCount { expected, found } => {
                format!("Expected {expected} arguments; got {found}")
            }
            AssignUndeclared(n) => format!(
                "Cannot assign to variable that is not explicitly declared in this scope: {n}"
            ),
            NotAVariable(n) => format!("Not a variable: {n}"),
            NotCallable(n) => format!("Not a function or class: {n}"),
            CannotIndex(t) => format!("Cannot index into type `{t}`"),
            IndexNotInt(t) => format!("Index is of non-integer type `{t}`"),
            StrNotAList => "`str` is not a list type".into(),
            MultipleAssignNoneList => {
                "Right-hand side of multiple assignment may not be [<None>]".into()
            }
            ReturnAtTopLevel => "Return statement cannot appear at the top level".into(),
            ExpectedValueGotNone(t) => format!("Expected type `{t}`; got `None`"),
            CannotIterate(t) => format!("Cannot iterate over value of type `{t}`"),
            ConditionType(t) => format!("Condition expression cannot be of type `{t}`"),
            MemberOfNonClass(t) => format!("Cannot access member of non-class type `{t}`"),
            NoAttribute { name, class } => {
                format!("There is no attribute named `{name}` in class `{class}`")
            }
            NoMethod { name, class } => {
                format!("There is no method named `{name}` in class `{class}`")
            }
            UnaryOperand { op, ty } => format!("Cannot apply operator `{op}` on type `{ty}`"),
            BinaryOperands { op, left, right } => {
                format!("Cannot apply operator `{op}` on types `{left}` and `{right}`")
            }
        }
    }

    /// Whether the error belongs to declaration analysis (which stops the checker
    /// before type checking when it finds any).
    pub fn is_declaration_error(&self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            ShadowsClassName(_)
                | DuplicateDeclaration(_)
                | ExtendsSpecialClass(_)
                | SuperclassNotAClass(_)
                | SuperclassNotDefined(_)
                | RedefinesAttribute(_)
                | OverrideSignature(_)
                | FirstParameterNotClass(_)
                | UnknownClass(_)
                | NotAGlobal(_)
                | NotANonlocal(_)
                | MissingReturn(_)
        )
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}
