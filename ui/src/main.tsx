import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { App } from "./App";
import { selectBackend, selectEvents } from "./backend";
import { initI18n } from "./i18n";

initI18n();

void selectBackend().then((backend) => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App backend={backend} events={selectEvents()} />
    </StrictMode>,
  );
});
