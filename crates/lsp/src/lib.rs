//! A Language Server Protocol server for ChocoPy (`chocopy lsp`), on the compiler's
//! own front end: the lossless syntax tree and the type checker.
//!
//! The plumbing is rust-analyzer's: `lsp-server` (a synchronous main loop over
//! channels of JSON-RPC messages on stdio) and `lsp-types`. The server keeps each
//! open document's text, applies incremental changes (LSP 3.17,
//! `TextDocumentSyncKind::INCREMENTAL`), re-analyses the document on every change
//! ([`analysis::Analysis`]: parse and type-check, some milliseconds for thousands of
//! lines) and publishes its diagnostics. It answers:
//! - `textDocument/hover`: the type of the expression, variable or parameter under
//!   the cursor, a function's or method's signature.
//!
//! Positions are UTF-16 code units, LSP's default encoding, converted with
//! rust-analyzer's `line-index`.

#![warn(missing_docs)]

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod analysis;
pub mod document;

use document::Document;
use lsp_server::{Connection, ExtractError, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Rename,
    Request as _, SemanticTokensFullRequest,
};
use lsp_types::{
    CompletionOptions, CompletionResponse, SemanticTokenType, SemanticTokens,
    SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions, SemanticTokensResult,
    SemanticTokensServerCapabilities,
};
use lsp_types::{
    Diagnostic, DiagnosticSeverity, DocumentSymbolResponse, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextEdit, Uri, WorkspaceEdit,
};
use rustc_hash::FxHashMap as HashMap;

/// An error that ends the server: a broken connection or a protocol violation.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client on standard input and output until it sends `exit` (after
/// `shutdown`); the return of `chocopy lsp`.
pub fn serve_stdio() -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The semantic token types, by index (`analysis::TokenKind` in order).
pub const TOKEN_TYPES: [SemanticTokenType; 10] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::CLASS,
    SemanticTokenType::PROPERTY,
];

/// What the server can do, sent in the `initialize` response.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into()]),
            ..CompletionOptions::default()
        }),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: TOKEN_TYPES.to_vec(),
                    token_modifiers: Vec::new(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Runs the initialization handshake, then the main loop, on `connection`.
pub fn serve(connection: &Connection) -> Result<(), Error> {
    let caps = serde_json::to_value(capabilities())?;
    connection.initialize(caps)?;
    let mut server = Server {
        docs: HashMap::default(),
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let resp = server.request(req);
                connection.sender.send(Message::Response(resp))?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The open documents.
struct Server {
    docs: HashMap<Uri, Document>,
}

impl Server {
    /// Answers a request (an error response for unknown methods or bad parameters).
    // `WorkspaceEdit::changes` is keyed by `Uri`, which clippy thinks mutable (it
    // caches its parsed parts): lsp-types' own type.
    #[allow(clippy::mutable_key_type)]
    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        match req.method.as_str() {
            HoverRequest::METHOD => match cast::<HoverRequest>(req) {
                Ok((id, params)) => {
                    let pos = params.text_document_position_params;
                    let hover = self
                        .docs
                        .get(&pos.text_document.uri)
                        .and_then(|d| d.hover(pos.position));
                    let result = hover.map(|(text, range)| Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: text,
                        }),
                        range: Some(range),
                    });
                    Response::new_ok(id, result)
                }
                Err(e) => invalid_params(id, e),
            },
            GotoDefinition::METHOD => match cast::<GotoDefinition>(req) {
                Ok((id, params)) => {
                    let pos = params.text_document_position_params;
                    let uri = pos.text_document.uri;
                    let result = self.docs.get(&uri).and_then(|d| {
                        let range = d.definition(pos.position)?;
                        Some(GotoDefinitionResponse::Scalar(Location::new(
                            uri.clone(),
                            range,
                        )))
                    });
                    Response::new_ok(id, result)
                }
                Err(e) => invalid_params(id, e),
            },
            References::METHOD => match cast::<References>(req) {
                Ok((id, params)) => {
                    let pos = params.text_document_position;
                    let uri = pos.text_document.uri;
                    let result: Vec<Location> = self
                        .docs
                        .get(&uri)
                        .map(|d| d.references(pos.position, params.context.include_declaration))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| Location::new(uri.clone(), r))
                        .collect();
                    Response::new_ok(id, result)
                }
                Err(e) => invalid_params(id, e),
            },
            Rename::METHOD => match cast::<Rename>(req) {
                Ok((id, params)) => {
                    let pos = params.text_document_position;
                    let uri = pos.text_document.uri;
                    let Some(doc) = self.docs.get(&uri) else {
                        return Response::new_ok(id, None::<WorkspaceEdit>);
                    };
                    match doc.rename(pos.position, &params.new_name) {
                        Ok(ranges) => {
                            let edits = ranges
                                .into_iter()
                                .map(|r| TextEdit::new(r, params.new_name.clone()))
                                .collect();
                            let mut changes = std::collections::HashMap::new();
                            changes.insert(uri, edits);
                            Response::new_ok(id, WorkspaceEdit::new(changes))
                        }
                        Err(message) => Response::new_err(
                            id,
                            lsp_server::ErrorCode::InvalidParams as i32,
                            message,
                        ),
                    }
                }
                Err(e) => invalid_params(id, e),
            },
            DocumentSymbolRequest::METHOD => match cast::<DocumentSymbolRequest>(req) {
                Ok((id, params)) => {
                    let result = self
                        .docs
                        .get(&params.text_document.uri)
                        .map(|d| DocumentSymbolResponse::Nested(d.symbols()));
                    Response::new_ok(id, result)
                }
                Err(e) => invalid_params(id, e),
            },
            Completion::METHOD => match cast::<Completion>(req) {
                Ok((id, params)) => {
                    let pos = params.text_document_position;
                    let items = self
                        .docs
                        .get(&pos.text_document.uri)
                        .map(|d| d.completions(pos.position))
                        .unwrap_or_default();
                    Response::new_ok(id, CompletionResponse::Array(items))
                }
                Err(e) => invalid_params(id, e),
            },
            SemanticTokensFullRequest::METHOD => match cast::<SemanticTokensFullRequest>(req) {
                Ok((id, params)) => {
                    let result = self.docs.get(&params.text_document.uri).map(|d| {
                        SemanticTokensResult::Tokens(SemanticTokens {
                            result_id: None,
                            data: d.semantic_tokens(),
                        })
                    });
                    Response::new_ok(id, result)
                }
                Err(e) => invalid_params(id, e),
            },
            _ => Response::new_err(
                id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("unsupported request: {}", req.method),
            ),
        }
    }

    /// Handles a notification; returns the notifications to send (diagnostics).
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let doc = Document::new(p.text_document.text, p.text_document.version);
                let out = publish(&p.text_document.uri, &doc);
                self.docs.insert(p.text_document.uri, doc);
                vec![out]
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Vec::new();
                };
                let Some(doc) = self.docs.get_mut(&p.text_document.uri) else {
                    return Vec::new();
                };
                doc.change(&p.content_changes, p.text_document.version);
                vec![publish(&p.text_document.uri, doc)]
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                self.docs.remove(&p.text_document.uri);
                // Clear the closed document's diagnostics.
                let params = PublishDiagnosticsParams {
                    uri: p.text_document.uri,
                    diagnostics: Vec::new(),
                    version: None,
                };
                vec![Notification::new(PublishDiagnostics::METHOD.into(), params)]
            }
            _ => Vec::new(),
        }
    }
}

/// The `publishDiagnostics` notification of `doc`.
fn publish(uri: &Uri, doc: &Document) -> Notification {
    let diagnostics = doc
        .diagnostics()
        .into_iter()
        .map(|(range, message)| Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("chocopy".into()),
            message,
            ..Diagnostic::default()
        })
        .collect();
    let params = PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics,
        version: Some(doc.version),
    };
    Notification::new(PublishDiagnostics::METHOD.into(), params)
}

fn cast<R>(req: Request) -> Result<(RequestId, R::Params), ExtractError<Request>>
where
    R: lsp_types::request::Request,
    R::Params: serde::de::DeserializeOwned,
{
    req.extract(R::METHOD)
}

fn invalid_params(id: RequestId, e: ExtractError<Request>) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::InvalidParams as i32,
        format!("{e:?}"),
    )
}
