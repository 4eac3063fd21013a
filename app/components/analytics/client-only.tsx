// Charts measure their container in the browser; on the server (and before
// hydration) a skeleton stands in so the markup matches.
import { useEffect, useState, type ReactNode } from "react";
import { SkeletonBodyText } from "@shopify/polaris";

export function ClientOnly({ children, lines = 6 }: { children: () => ReactNode; lines?: number }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted ? <>{children()}</> : <SkeletonBodyText lines={lines} />;
}
