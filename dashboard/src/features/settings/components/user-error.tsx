import { ApiError } from '../../../lib/api-client.js';
import { userErrorText } from '../prepare.js';

/**
 * A refused user or password change, said in a sentence next to the control that made it
 * (the email taken, the last instance admin, the field the API named).
 */
export function UserError({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? userErrorText(error)
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
