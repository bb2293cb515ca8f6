const { runMochaInHost } = require('../mocha-in-host.cjs');

exports.run = () => runMochaInHost(__dirname);
