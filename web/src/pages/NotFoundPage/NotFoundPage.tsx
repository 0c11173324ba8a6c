import { Link } from "react-router";
import { EmptyState } from "../../components/states";

export function NotFoundPage() {
  return (
    <EmptyState
      title="Page not found"
      action={
        <Link to="/" className="btn btn-primary">
          Back to the dashboard
        </Link>
      }
    >
      Nothing lives at this address.
    </EmptyState>
  );
}
