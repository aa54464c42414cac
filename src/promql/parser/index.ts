/** The PromQL parser: `parseExpr` (text → AST, src/promql/ast.ts) and `formatExpr` (AST → canonical text). */
export { parseExpr, type ParseOptions } from './parse.js';
export { formatExpr } from './printer.js';
export { lookupFunction, functionNames } from './functions.js';
