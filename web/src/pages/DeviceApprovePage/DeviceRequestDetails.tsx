import { useQuery } from "@tanstack/react-query";
import { deviceRequestQuery } from "../../api/queries/auth";
import { timeAgo } from "../../components/time";

/**
 * When and from where the CLI sign-in was asked for. A link to /device?code=… can come from anyone
 * (device-code phishing): a request made minutes before you ran `flare auth login`, or from a
 * client or address that is not yours, is the tell.
 */
export function DeviceRequestDetails({ code }: { code: string }) {
  const request = useQuery(deviceRequestQuery(code.toUpperCase().replace(/[\s-]/g, "")));
  if (!request.data) return null;
  const { requestedAt, userAgent, ip } = request.data;
  return (
    <p className="small" data-testid="device-request">
      Requested {timeAgo(requestedAt)} by <code>{userAgent ?? "an unknown client"}</code>
      {ip ? (
        <>
          {" "}
          from <strong>{ip}</strong>
        </>
      ) : null}
      . Approve only if that was you, just now; otherwise deny it.
    </p>
  );
}
