// The tests module VS Code loads as extensionTestsPath: runs every *.test.js in this folder inside the extension host.
const { runMochaInHost } = require('../vscode-host/mocha-in-host.cjs');

exports.run = () => runMochaInHost(__dirname);
