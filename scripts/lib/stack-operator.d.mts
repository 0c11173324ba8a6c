export interface StackOperator {
  userId: string;
  email: string;
  workspaceId: string;
  /** An API token valid for a day. */
  token: string;
}
export function signUpStackOperator(baseURL: string, opts: { email: string; bootstrapCode: string }): Promise<StackOperator>;
