/** Go text/template with Prometheus's data and functions (issue 9 §1 "Templates"). */
export { ALERT_TEMPLATE_PREFIX, alertTemplateName, createTemplateExpander, runTemplate } from './expander.js';
export { ExecFailure } from './exec.js';
export { ParseFailure, parseTemplate } from './parser.js';
