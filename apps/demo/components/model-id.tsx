/**
 * A model id ("vendor/name") that may wrap after its slash in a narrow column, instead of
 * anywhere in the middle of a word.
 */
export function ModelId({ id }: { id: string }) {
  const slash = id.indexOf("/");
  if (slash < 0) return <span className="model-id">{id}</span>;
  return (
    <span className="model-id">
      {id.slice(0, slash + 1)}
      <wbr />
      {id.slice(slash + 1)}
    </span>
  );
}
