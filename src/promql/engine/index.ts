/** The PromQL evaluator: `Engine` (instant and range queries over the store) and its function-table contract. */
export { Engine, type EngineOptions, type QueryOptions, type QueryResult } from './engine.js';
export { SPECIAL_ONLY, type EngineFunction, type FunctionCallContext, type FunctionLookup } from './function-table.js';
export { findMinMaxTime, type QueryBounds } from './time-range.js';
export { goPow } from './binop.js';
