import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import ChatPage from "../pages/ChatPage";
import { PERMISSIONS } from "../api/roles";
import { SessionProvider, sessionOf } from "./session";

describe("what a key's role lets the UI show", () => {
  it("follows the server's role table", () => {
    const viewer = sessionOf({ name: "vera", role: "viewer" }, "k");
    expect(["read", "plan", "apply", "review", "admin"].filter((p) => viewer.may(p as never))).toEqual(["read"]);
    const approver = sessionOf({ name: "bob", role: "approver" }, "k");
    expect(approver.may("review")).toBe(true);
    expect(approver.may("apply")).toBe(false);
    expect(PERMISSIONS.admin).toContain("admin");
  });

  it("treats a role it does not know as a viewer's", () => {
    const odd = sessionOf({ name: "x", role: "superuser" }, "k");
    expect(odd.role).toBe("viewer");
    expect(odd.may("apply")).toBe(false);
  });

  it("gives a viewer no message box in chat, and says why", () => {
    render(
      <SessionProvider initial={sessionOf({ name: "vera", role: "viewer" }, "k")}>
        <MemoryRouter>
          <ChatPage />
        </MemoryRouter>
      </SessionProvider>,
    );
    expect(screen.getByRole("heading", { name: "Chat" })).toBeInTheDocument();
    expect(screen.getByText(/your role \(/i)).toHaveTextContent("viewer");
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("gives an operator the message box", () => {
    render(
      <SessionProvider initial={sessionOf({ name: "olga", role: "operator" }, "k")}>
        <MemoryRouter>
          <ChatPage />
        </MemoryRouter>
      </SessionProvider>,
    );
    expect(screen.getByLabelText("Message")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
  });
});
