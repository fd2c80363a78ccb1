/** The smallest valid survey file: one yes/no question. Tests break it one line at a time. */
export function minimalSurveyFile(key: string): string {
  return `key: ${key}
title: { de: Klein }
intro: { de: Kurz }
closes: 2027-02-07T23:59:00+01:00
questions:
  - type: yesno
    text: { de: Ja? }
`;
}
