import "./auth.css";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { logout, meQuery, resetSession } from "../api/queries/auth";

/** Header corner: who is signed in, a link to the account page, sign out. */
export function AccountMenu() {
  const me = useQuery(meQuery());
  const client = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: async () => {
      await resetSession(client);
      navigate("/signin", { replace: true });
    },
  });
  if (!me.data) {
    return (
      <Link to="/signin" className="btn btn-sm">
        Sign in
      </Link>
    );
  }
  return (
    <div className="row account-menu">
      <Link to="/account" className="account-link small" data-testid="account-link" title="Account and security">
        {me.data.user.name ?? me.data.user.email}
      </Link>
      <button type="button" className="btn btn-sm btn-ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </div>
  );
}
