// Save a file that came from the API without leaving the page: fetch -> Blob -> a temporary
// link with `download`, clicked and removed at once. No navigation, so no state is lost.

/**
 * @param {{blob: Blob, filename: string}} file
 */
export function saveFile({ blob, filename }) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Give the browser a moment to start the download before the URL goes.
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
