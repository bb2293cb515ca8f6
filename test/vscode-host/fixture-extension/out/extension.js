const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('cvprdHostFixture.hello', (name = 'world') => `hello ${name}`),
  );
}

module.exports = { activate };
