import { ApiError } from '../../../lib/api-client.js';

/**
 * A refused write, said plainly: a 403 is the role (viewers cannot change alerts), a 400
 * names the field the API refused, anything else is what the API or the network said.
 */
export function WriteError({ error, action }: { error: unknown; action: string }) {
  if (!error) return null;
  let text: string;
  if (error instanceof ApiError && error.status === 403)
    text = `You cannot ${action}: your role in this project is viewer, and changing alerts needs the editor role. Ask a project owner.`;
  else if (error instanceof ApiError)
    text = `Could not ${action}: ${error.message}${error.field && !error.message.includes(error.field) ? ` (field ${error.field})` : ''}`;
  else text = `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`;
  return (
    <p className="error" role="alert" data-testid="write-error">
      {text}
    </p>
  );
}
