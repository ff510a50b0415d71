// A minimal client: starts `chocopy lsp` over stdio for ChocoPy documents.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("chocopy").get("server.path", "chocopy");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "chocopy",
    "ChocoPy",
    { run: server, debug: server },
    { documentSelector: [{ language: "chocopy" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
