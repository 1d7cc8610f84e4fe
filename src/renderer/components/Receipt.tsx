import type { ReceiptLine } from '../../shared/payments';

/**
 * Dojo's receipt lines as printed: sizes, alignment, bold and separators (Dojo spells them "Seperator").
 * `marks` (TRAINING, COPY) head and close the receipt so no one mistakes it for an original or for real money.
 */
export function Receipt({ lines, label, marks = [] }: { lines: ReceiptLine[]; label: string; marks?: string[] }) {
  const markLines = (where: string) =>
    marks.map((mark) => (
      <div key={`${where}-${mark}`} className="receipt-line receipt-mark align-center bold">
        {mark}
      </div>
    ));
  return (
    <div className="receipt" role="document" aria-label={label}>
      {markLines('head')}
      {lines.map((line, index) => {
        switch (line.lineType) {
          case 'NewLine':
            return <div key={index} className="receipt-blank" />;
          case 'SingleLineSeperator':
          case 'SingleLineSeparator':
            return <hr key={index} className="receipt-rule" />;
          case 'DoubleLineSeperator':
          case 'DoubleLineSeparator':
            return <hr key={index} className="receipt-rule double" />;
          case 'LogoImage':
            return null; // logos are bitmaps for the terminal's printer; the till prints text
          default: {
            const text = line.text;
            if (!text) return null;
            const classes = ['receipt-line', `size-${(text.size ?? 'SizeBody').replace('Size', '').toLowerCase()}`, `align-${(text.align ?? 'AlignLeft').replace('Align', '').toLowerCase()}`, text.bold ? 'bold' : ''];
            return (
              <div key={index} className={classes.join(' ')}>
                {text.value}
              </div>
            );
          }
        }
      })}
      {markLines('tail')}
    </div>
  );
}
