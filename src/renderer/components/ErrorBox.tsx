/** A refusal or failure, announced to assistive technology; nothing when there is no message. */
export function ErrorBox({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="error-box">
      {message}
    </p>
  );
}
