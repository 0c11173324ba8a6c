/**
 * Fixed ids of the built-in starter template (workspace NULL, builtin = 1). Its manifest is
 * written once, in migrations/0032_seed_starter_template.sql: the Worker reads it from D1 like
 * any template's, so there is no second copy in code to keep equal.
 */
export const STARTER_TEMPLATE_ID = "tpl_builtin_starter";
export const STARTER_VERSION_ID = "tpv_builtin_starter_1";
