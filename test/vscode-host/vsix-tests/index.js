// The tests module of the packaged-extension run (run-extension-tests.mjs --vsix): every *.test.js in this folder.
const { runMochaInHost } = require('../mocha-in-host.cjs');

exports.run = () => runMochaInHost(__dirname);
