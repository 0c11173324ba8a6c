export const STACK_PORT = 8789;
export const STACK_RUNTIME_PORT = 8792;
