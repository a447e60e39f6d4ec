// Placeholder until the demo service lands (issue: SDK + demo traffic).
console.error('the demo is not built yet');
process.exit(1);
